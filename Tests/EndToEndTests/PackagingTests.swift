import Glibc
import LetterCLI
import LetterCore
import TestSupport
import Testing

/// `make install`, `make dist` and `make deb` on the binary under test, checked with the
/// programs that use what they make: man, tar, sha256sum, dpkg and lintian. One at a
/// time: they share the generated files and dist/.
@Suite(.serialized) struct PackagingTests {
    /// What `make install` puts under PREFIX, sorted.
    static let installed = [
        "bin/letter",
        "share/bash-completion/completions/letter",
        "share/fish/vendor_completions.d/letter.fish",
        "share/man/man1/letter.1",
        "share/zsh/site-functions/_letter",
    ]

    /// Runs make in the repository on the binary under test. Given by its absolute path,
    /// the binary is used as it is (Swift is never rebuilt under `swift test`, which holds
    /// the build directory); -B makes everything from it afresh, whatever the time stamps.
    @discardableResult
    static func make(_ arguments: [String]) throws -> Child {
        let make = executablePath("make") ?? "/usr/bin/make"
        let result = try run(make, ["-B", "-C", Paths.repository, "--no-print-directory", "LETTER=\(Paths.letter)"]
                             + arguments, seconds: 120)
        #expect(result.status == 0, "make \(arguments.joined(separator: " ")): \(result.stdoutText)\(result.stderrText)")
        #expect(!result.stdoutText.contains("swift build"), "make rebuilt letter")
        return result
    }

    @Test func installPutsExactlyItsFilesAndUninstallRemovesThem() throws {
        guard let man = requirePeer("man", package: "man-db") else { return }
        let root = try TemporaryDirectory("install")
        try Self.make(["install", "DESTDIR=\(root.path)"])
        #expect(try filesBelow(root.path) == Self.installed.map { "usr/local/" + $0 })
        let version = try run(root.path + "/usr/local/bin/letter", ["--version"])
        #expect(version.status == 0 && version.stdoutText == "letter \(letterVersion)\n")
        let found = try run(man, ["-M", root.path + "/usr/local/share/man", "-w", "letter"])
        #expect(found.stdoutText == root.path + "/usr/local/share/man/man1/letter.1\n", "man -w: \(found.stderrText)")
        let offers = try DocumentationTests.bashCompletions(
            root.path + "/usr/local/share/bash-completion/completions/letter", [["letter", "se"]])
        #expect(offers == [["send"]])
        try Self.make(["uninstall", "DESTDIR=\(root.path)"])
        #expect(try filesBelow(root.path) == [])

        // PREFIX moves every file (PREFIX=~/.local installs for one user).
        let prefix = "/home/someone/.local"
        try Self.make(["install", "DESTDIR=\(root.path)", "PREFIX=\(prefix)"])
        #expect(try filesBelow(root.path) == Self.installed.map { "home/someone/.local/" + $0 })
        try Self.make(["uninstall", "DESTDIR=\(root.path)", "PREFIX=\(prefix)"])
        #expect(try filesBelow(root.path) == [])
    }

    @Test func distTarballVerifiesAndRunsFromAnywhere() throws {
        guard let sha256sum = requirePeer("sha256sum", package: "coreutils"), let tar = requirePeer("tar") else { return }
        try Self.make(["dist"])
        let name = "letter-\(letterVersion)-x86_64-linux"
        let check = try run("/bin/sh", ["-c", #"cd "$1" && "$2" -c "$3""#, "sh",
                                        Paths.repository + "/dist", sha256sum, name + ".tar.gz.sha256"])
        #expect(check.status == 0 && check.stdoutText == "\(name).tar.gz: OK\n", "sha256sum -c: \(check.stdoutText)\(check.stderrText)")

        let unpacked = try TemporaryDirectory("dist")
        let untar = try run(tar, ["-xzf", Paths.repository + "/dist/\(name).tar.gz", "-C", unpacked.path])
        #expect(untar.status == 0, "tar: \(untar.stderrText)")
        #expect(try filesBelow(unpacked.path) == ["LICENSE", "README.md", "autocomplete/_letter", "autocomplete/letter.bash",
                                                  "autocomplete/letter.fish", "letter", "letter.1"].map { name + "/" + $0 })
        let version = try run(unpacked.path + "/\(name)/letter", ["--version"])
        #expect(version.status == 0 && version.stdoutText == "letter \(letterVersion)\n")
    }

    @Test func debCarriesItsControlDataAndFilesAndInstallsCleanly() throws {
        guard let dpkgDeb = requirePeer("dpkg-deb", package: "dpkg") else { return }
        try Self.make(["deb"])
        let deb = Paths.repository + "/dist/letter_\(letterVersion)_amd64.deb"

        let info = try run(dpkgDeb, ["-I", deb])
        #expect(info.status == 0, "dpkg-deb -I: \(info.stderrText)")
        var fields: [String: String] = [:]
        for line in info.stdoutText.split(separator: "\n") where !line.hasPrefix("  ") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].trimmingCharacters(in: " ")] = line[line.index(after: colon)...].trimmingCharacters(in: " ")
        }
        #expect(fields["Package"] == "letter")
        #expect(fields["Version"] == letterVersion)
        #expect(fields["Architecture"] == "amd64")
        #expect(fields["Section"] == "net" && fields["Priority"] == "optional")
        for field in ["Maintainer", "Description", "Installed-Size"] { #expect(!(fields[field] ?? "").isEmpty, "no \(field)") }
        // libc6 alone: the static binary loads only glibc's gconv modules and NSS at run time.
        let depends = fields["Depends"] ?? ""
        #expect(depends.hasPrefix("libc6") && !depends.contains(","), "Depends: \(depends)")

        let contents = try run(dpkgDeb, ["-c", deb])
        let entries = contents.stdoutText.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(entries.allSatisfy { $0.count >= 6 && $0[1] == "root/root" }, "owners: \(contents.stdoutText)")
        let files = entries.filter { $0.first?.first == "-" }.compactMap { $0.last.map(String.init) }.sorted()
        #expect(files == ["./usr/bin/letter", "./usr/share/bash-completion/completions/letter",
                          "./usr/share/doc/letter/changelog.gz", "./usr/share/doc/letter/copyright",
                          "./usr/share/fish/vendor_completions.d/letter.fish", "./usr/share/lintian/overrides/letter",
                          "./usr/share/man/man1/letter.1.gz", "./usr/share/zsh/vendor-completions/_letter"])

        // gzip -9n, as Debian policy has it: no file name, no time stamp, best compression.
        let tree = try TemporaryDirectory("deb")
        #expect(try run(dpkgDeb, ["-x", deb, tree.path]).status == 0)
        let header = Array(try readFile(tree.path + "/usr/share/man/man1/letter.1.gz").prefix(10))
        #expect(header.count == 10 && header[0] == 0x1F && header[1] == 0x8B, "not gzip")
        #expect(header.count == 10 && header[3] & 0x08 == 0 && header[4..<8].allSatisfy { $0 == 0 } && header[8] == 2,
                "gzip header \(header): want no name, mtime 0, XFL 2 (-9)")

        // lintian's verdict and a system install mean something only for the binary users get
        // (make test-asan runs this suite on a dynamic sanitizer build, with its toolchain RUNPATH).
        guard Paths.letter.hasSuffix("/release/letter") else {
            print("\n*** NOTE: \(Paths.letter) is not the release build; lintian and dpkg -i check only that ***\n")
            return
        }
        if let lintian = requirePeer("lintian") {
            let report = try run(lintian, ["--fail-on", "error", deb], seconds: 120)
            #expect(report.status == 0 && !report.stdoutText.contains("E: "), "lintian: \(report.stdoutText)")
        }
        try installWithDpkg(deb)
    }

    /// Under CI (as root) installs the package into this system, uses it, and removes it.
    func installWithDpkg(_ deb: String) throws {
        guard getenv("CI") != nil else {
            reportSkip("dpkg -i of \(deb) runs only under CI=true (it installs into this system)")
            return
        }
        guard getuidIsRoot() else {
            Issue.record("CI must run as root to install the .deb with dpkg")
            return
        }
        guard let dpkg = requirePeer("dpkg"), let man = requirePeer("man", package: "man-db") else { return }
        // Never replace a letter this test did not install.
        guard access("/usr/bin/letter", F_OK) != 0 else {
            Issue.record("/usr/bin/letter already exists; not installing the .deb over it")
            return
        }
        let install = try run(dpkg, ["-i", deb], seconds: 120)
        #expect(install.status == 0, "dpkg -i: \(install.stdoutText)\(install.stderrText)")
        let version = try run("/usr/bin/letter", ["--version"])
        #expect(version.stdoutText == "letter \(letterVersion)\n")
        let page = try run(man, ["-w", "letter"])
        #expect(page.stdoutText == "/usr/share/man/man1/letter.1.gz\n", "man -w: \(page.stderrText)")
        let offers = try DocumentationTests.bashCompletions("/usr/share/bash-completion/completions/letter",
                                                            [["letter", "listen", "-f", ""]])
        #expect(offers == [RecordFormat.allCases.map(\.rawValue)])

        let remove = try run(dpkg, ["-r", "letter"], seconds: 120)
        #expect(remove.status == 0, "dpkg -r: \(remove.stdoutText)\(remove.stderrText)")
        for path in ["/usr/bin/letter", "/usr/share/man/man1/letter.1.gz", "/usr/share/bash-completion/completions/letter",
                     "/usr/share/zsh/vendor-completions/_letter", "/usr/share/fish/vendor_completions.d/letter.fish",
                     "/usr/share/doc/letter"] {
            #expect(access(path, F_OK) != 0, "\(path) left behind by dpkg -r")
        }
    }
}
