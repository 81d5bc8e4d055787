import CLetterSystem
import Glibc

/// Stops the process from dying of SIGPIPE, so a closed stdout shows up as EPIPE and
/// letter can end quietly.
public func ignoreBrokenPipes() {
    signal(SIGPIPE, SIG_IGN)
}

/// SIGINT, SIGTERM and SIGHUP (a closed terminal) delivered as a readable descriptor
/// (signalfd), so a poll loop notices them between datagrams and can print its summary
/// before exiting.
public struct SignalWatcher: ~Copyable {
    public let descriptor: Int32

    public init() throws(SystemCallError) {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGHUP)
        _ = try retryingInterrupts("sigprocmask") { sigprocmask(SIG_BLOCK, &signals, nil) }
        descriptor = try retryingInterrupts("signalfd") {
            letter_signalfd(&signals)
        }
    }

    deinit { close(descriptor) }
}
