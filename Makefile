# letter: build, demo, test, bench. `make help` lists the targets.
SWIFT ?= swift
# A static executable: no dynamic loader work at start-up (glibc still loads iconv's
# gconv modules and NSS at run time, from the same glibc it was linked with).
RELEASE_FLAGS = -c release --static-swift-stdlib -Xswiftc -static-executable -Xlinker --strip-all
LETTER = .build/release/letter

.PHONY: all build release demo test peers bench fuzz test-asan clean help

all: release

help:
	@echo "make demo    a listener on loopback and real letters in utf-8 and gbk"
	@echo "make test    every test (unit + end to end with python3, socat, nc)"
	@echo "make bench   letter side by side with C, nc, socat and python3"
	@echo "make fuzz    every libFuzzer target for FUZZ_SECONDS (default $(FUZZ_SECONDS)) each"
	@echo "make test-asan  the test suite under AddressSanitizer"
	@echo "make build   debug build;  make release   static release binary at $(LETTER)"

build:
	$(SWIFT) build

release:
	$(SWIFT) build $(RELEASE_FLAGS)

# The peers the end-to-end tests talk to; installed when missing (root and apt-get).
peers:
	@missing=""; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	command -v socat >/dev/null || missing="$$missing socat"; \
	command -v nc >/dev/null || missing="$$missing netcat-openbsd"; \
	command -v ip >/dev/null || missing="$$missing iproute2"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: release
	@sh Fixtures/demo.sh $(LETTER)

# The end-to-end tests drive the static release binary, the one users run.
test: peers release
	LETTER_BIN=$(LETTER) $(SWIFT) test

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
		$(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan

bench: peers release
	python3 Benchmarks/bench.py --letter $(LETTER)

clean:
	rm -rf .build .build-asan .build-static Benchmarks/bin
