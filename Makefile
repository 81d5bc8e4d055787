# letter: build, demo, test, bench. `make help` lists the targets.
SWIFT ?= swift
# A static executable: no dynamic loader work at start-up (glibc still loads iconv's
# gconv modules and NSS at run time, from the same glibc it was linked with).
# Concrete generic types (arrays of our structs, Dictionary<String, [String]>, Set<SocketAddress>)
# get their metadata from direct accessor calls, not by demangling their names at run time: a
# name lookup also checks every Hashable requirement by scanning all ~1,850 conformance records
# of the static binary. One-off send 205k -> 163k instructions, listen -c 1 477k -> 225k.
RELEASE_FLAGS = -c release --static-swift-stdlib -Xswiftc -static-executable -Xlinker --strip-all \
	-Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
LETTER = .build/release/letter
# The one version, as Sources/LetterCLI/Subcommands.swift declares it.
VERSION := $(shell sed -n 's/^public let letterVersion = "\(.*\)"$$/\1/p' Sources/LetterCLI/Subcommands.swift)

# Where `make install` puts things (GNU names; DESTDIR is prefixed to every path).
PREFIX ?= /usr/local
bindir ?= $(PREFIX)/bin
datadir ?= $(PREFIX)/share
mandir ?= $(datadir)/man
bashcompdir ?= $(datadir)/bash-completion/completions
zshcompdir ?= $(datadir)/zsh/site-functions
fishcompdir ?= $(datadir)/fish/vendor_completions.d
INSTALL ?= install

# The man page and completions, written by the built binary from its command table.
GENERATED = .build/generated
MANPAGE = $(GENERATED)/letter.1
COMPLETIONS = $(GENERATED)/letter.bash $(GENERATED)/_letter $(GENERATED)/letter.fish
DIST_NAME = letter-$(VERSION)-x86_64-linux
TARBALL = dist/$(DIST_NAME).tar.gz
DEB = dist/letter_$(VERSION)_amd64.deb
# Archive timestamps: the last commit's, so the same commit packs the same bytes.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: all build release demo test peers bench trials fuzz test-asan clean help install uninstall dist deb

all: release

help:
	@echo "make demo    a listener on loopback and real letters in utf-8 and gbk"
	@echo "make test    every test (unit + end to end with python3, socat, nc)"
	@echo "make bench   letter side by side with C, nc, socat and python3"
	@echo "make trials  the adversarial trials (ping spoofing, socket files, relay loops, --reply, --rate) as one table (root)"
	@echo "make fuzz    every libFuzzer target for FUZZ_SECONDS (default $(FUZZ_SECONDS)) each"
	@echo "make test-asan  the test suite under AddressSanitizer"
	@echo "make build   debug build;  make release   static release binary at $(LETTER)"
	@echo "make install [PREFIX=$(PREFIX)] [DESTDIR=]   binary, man page, completions;  make uninstall"
	@echo "make dist    $(TARBALL) and its .sha256;  make deb   $(DEB)"

build:
	$(SWIFT) build

release:
	$(SWIFT) build $(RELEASE_FLAGS)

# The binary as a file, for the targets that ship it: built only when a source is newer.
# The rule names the default path, so `make LETTER=/abs/path/letter install` ships that
# binary as it is (the tests do: they never rebuild Swift under `swift test`).
.build/release/letter: Package.swift $(shell find Sources -type f)
	$(SWIFT) build $(RELEASE_FLAGS)

$(GENERATED)/letter.1: $(LETTER)
	@mkdir -p $(GENERATED)
	$(LETTER) --generate-manual > $@.tmp && mv $@.tmp $@

$(GENERATED)/letter.bash: $(LETTER)
	@mkdir -p $(GENERATED)
	$(LETTER) --generate-completion-script bash > $@.tmp && mv $@.tmp $@

$(GENERATED)/_letter: $(LETTER)
	@mkdir -p $(GENERATED)
	$(LETTER) --generate-completion-script zsh > $@.tmp && mv $@.tmp $@

$(GENERATED)/letter.fish: $(LETTER)
	@mkdir -p $(GENERATED)
	$(LETTER) --generate-completion-script fish > $@.tmp && mv $@.tmp $@

install: $(LETTER) $(MANPAGE) $(COMPLETIONS)
	$(INSTALL) -Dm755 $(LETTER) $(DESTDIR)$(bindir)/letter
	$(INSTALL) -Dm644 $(MANPAGE) $(DESTDIR)$(mandir)/man1/letter.1
	$(INSTALL) -Dm644 $(GENERATED)/letter.bash $(DESTDIR)$(bashcompdir)/letter
	$(INSTALL) -Dm644 $(GENERATED)/_letter $(DESTDIR)$(zshcompdir)/_letter
	$(INSTALL) -Dm644 $(GENERATED)/letter.fish $(DESTDIR)$(fishcompdir)/letter.fish

uninstall:
	rm -f $(DESTDIR)$(bindir)/letter $(DESTDIR)$(mandir)/man1/letter.1 $(DESTDIR)$(bashcompdir)/letter \
		$(DESTDIR)$(zshcompdir)/_letter $(DESTDIR)$(fishcompdir)/letter.fish

dist: $(TARBALL)

# fd's layout: the binary and the man page at the top, completions in autocomplete/.
$(TARBALL): $(LETTER) $(MANPAGE) $(COMPLETIONS) README.md LICENSE Makefile
	rm -rf .build/dist && mkdir -p .build/dist/$(DIST_NAME)/autocomplete dist
	$(INSTALL) -m755 $(LETTER) .build/dist/$(DIST_NAME)/letter
	$(INSTALL) -m644 $(MANPAGE) README.md LICENSE .build/dist/$(DIST_NAME)/
	$(INSTALL) -m644 $(COMPLETIONS) .build/dist/$(DIST_NAME)/autocomplete/
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$(SOURCE_DATE_EPOCH) \
		-C .build/dist -cf - $(DIST_NAME) | gzip -9n > $@.tmp && mv $@.tmp $@
	cd dist && sha256sum $(notdir $@) > $(notdir $@).sha256

deb: $(DEB)

# The same install under /usr, in Debian's places: the zsh completion in vendor-completions,
# the man page gzipped -9n, the copyright and changelog in /usr/share/doc/letter. The
# static binary still loads glibc's gconv modules and NSS at run time: Depends: libc6.
$(DEB): $(LETTER) $(MANPAGE) $(COMPLETIONS) LICENSE Makefile packaging/deb/control.in packaging/deb/copyright \
		packaging/deb/lintian-overrides
	rm -rf .build/deb && mkdir -p .build/deb/DEBIAN dist
	$(MAKE) --no-print-directory -o $(LETTER) install DESTDIR=$(CURDIR)/.build/deb PREFIX=/usr \
		zshcompdir=/usr/share/zsh/vendor-completions
	gzip -9n .build/deb/usr/share/man/man1/letter.1
	$(INSTALL) -Dm644 packaging/deb/copyright .build/deb/usr/share/doc/letter/copyright
	printf 'letter ($(VERSION)) unstable; urgency=medium\n\n  * Release $(VERSION).\n\n -- %s  %s\n' \
		"$$(sed -n 's/^Maintainer: //p' packaging/deb/control.in)" "$$(date -R -u -d @$(SOURCE_DATE_EPOCH))" \
		| gzip -9n > .build/deb/usr/share/doc/letter/changelog.gz
	$(INSTALL) -Dm644 packaging/deb/lintian-overrides .build/deb/usr/share/lintian/overrides/letter
	sed -e 's/@VERSION@/$(VERSION)/' -e "s/@LIBC@/$$(dpkg-query -W -f='$${source:Upstream-Version}' libc6)/" \
		-e "s/@SIZE@/$$(du -sk --exclude=DEBIAN .build/deb | cut -f1)/" packaging/deb/control.in > .build/deb/DEBIAN/control
	cd .build/deb && find usr -type f | LC_ALL=C sort | xargs md5sum > DEBIAN/md5sums
	find .build/deb -exec touch -h -d @$(SOURCE_DATE_EPOCH) {} +
	dpkg-deb --root-owner-group -Zxz --build .build/deb $@

# The peers the end-to-end tests talk to, the tools that check the man page, completions
# and packages, and the oracles of captures (tshark, with capinfos, and tcpdump), ping's
# wording (iputils ping) and the latency bench (sockperf); installed when missing (root
# and apt-get). Non-interactive: tshark's package would otherwise ask whether users
# other than root may capture (the answer taken is its default, no).
peers:
	@missing=""; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	command -v socat >/dev/null || missing="$$missing socat"; \
	command -v nc >/dev/null || missing="$$missing netcat-openbsd"; \
	command -v ip >/dev/null || missing="$$missing iproute2"; \
	command -v mandoc >/dev/null || missing="$$missing mandoc"; \
	command -v groff >/dev/null || missing="$$missing groff"; \
	command -v man >/dev/null || missing="$$missing man-db"; \
	command -v zsh >/dev/null || missing="$$missing zsh"; \
	command -v fish >/dev/null || missing="$$missing fish"; \
	command -v dpkg-deb >/dev/null || missing="$$missing dpkg"; \
	command -v lintian >/dev/null || missing="$$missing lintian"; \
	command -v hexdump >/dev/null || missing="$$missing bsdextrautils"; \
	command -v logger >/dev/null || missing="$$missing bsdutils"; \
	[ -e /usr/share/zoneinfo/Asia/Kolkata ] || missing="$$missing tzdata"; \
	command -v tshark >/dev/null || missing="$$missing tshark"; \
	command -v tcpdump >/dev/null || missing="$$missing tcpdump"; \
	command -v sockperf >/dev/null || missing="$$missing sockperf"; \
	command -v ping >/dev/null || missing="$$missing iputils-ping"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# The demo says one line about the build and shows the build's own output (the static
# linker's warnings included) only when it fails.
demo:
	@echo "building letter (a minute the first time; quiet unless it fails)..."
	@log=$$(mktemp); $(SWIFT) build $(RELEASE_FLAGS) >"$$log" 2>&1 || { cat "$$log"; rm -f "$$log"; exit 1; }; rm -f "$$log"
	@sh Fixtures/demo.sh $(LETTER)

# The end-to-end tests drive the static release binary, the one users run.
test: peers release
	LETTER_BIN=$(LETTER) $(SWIFT) test --disable-xctest

FUZZ_SECONDS ?= 60
FUZZ_TARGETS = $(basename $(notdir $(wildcard Fuzz/Targets/*.swift)))

# Each target for a bounded time; a crash fails the run and is kept under .build/fuzz/crashes.
# (The Invocations target runs the release binary.)
fuzz: release
	for target in $(FUZZ_TARGETS); do Fuzz/run.sh $$target $(FUZZ_SECONDS) || exit 1; done

# The whole suite, letter included, built with AddressSanitizer (no threads: no TSan run).
test-asan: peers
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	env -u LETTER_BIN LSAN_OPTIONS=suppressions=$(CURDIR)/Fuzz/lsan-suppressions.txt SWIFT_BACKTRACE=enable=no \
		$(SWIFT) test --skip-build --disable-xctest --sanitize=address --scratch-path .build-asan

bench: peers release
	python3 Benchmarks/bench.py --letter $(LETTER)

# What issue 18's adversarial trial found, measured again: one table, PASS or FAIL per row.
trials: release
	python3 Benchmarks/trials.py --letter $(LETTER)

clean:
	rm -rf .build .build-asan .build-static Benchmarks/bin dist
