import CLetterSystem
import Glibc

/// Sets up signals before anything else runs: every signal that would end letter first
/// removes the socket files it made (a signal ignored at start, as under nohup, stays
/// ignored), and SIGPIPE is ignored so that a closed stdout shows up as EPIPE and letter
/// can end quietly.
public func prepareSignals() {
    letter_install_cleanup_handlers()
    signal(SIGPIPE, SIG_IGN)
}

/// SIGINT, SIGTERM and SIGHUP (a closed terminal) delivered as a readable descriptor
/// (signalfd), so a poll loop notices them between datagrams and can print its summary
/// before exiting. A signal ignored at start is left out: blocking it would queue it for
/// signalfd (the kernel discards only signals that are ignored and not blocked), and
/// `nohup letter listen` would end on its terminal's SIGHUP after all.
public struct SignalWatcher: ~Copyable {
    public let descriptor: Int32

    public init() throws(SystemCallError) {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGINT, SIGTERM, SIGHUP] where letter_signal_ignored_at_start(signal) == 0 {
            sigaddset(&signals, signal)
        }
        _ = try retryingInterrupts("sigprocmask") { sigprocmask(SIG_BLOCK, &signals, nil) }
        descriptor = try retryingInterrupts("signalfd") {
            letter_signalfd(&signals)
        }
    }

    deinit { close(descriptor) }
}

/// Makes the socket file at `path`, just bound, letter's own: removed by
/// `forgetSocketFile` or by any signal that ends letter, while the path still holds that
/// very socket (device and inode, read now). Returns its slot, or -1 when the cleanup
/// table cannot take it (then the file outlives letter, as a Python program's does).
func registerSocketFile(_ path: [UInt8]) -> Int32 {
    withPathString(path) { letter_register_socket_file($0) }
}

/// Removes the socket file of `slot` if the path still holds that very socket.
func forgetSocketFile(_ slot: Int32) {
    letter_remove_socket_file(slot)
}
