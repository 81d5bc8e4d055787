#!/bin/sh
# Builds letter's libFuzzer targets: Fuzz/build.sh [TARGET ...] (default: all of them).
#
# SwiftPM cannot build a libFuzzer binary, so this does by hand what it would do:
# LetterCore (with its C helper) and LetterCLI become static libraries instrumented
# for coverage and AddressSanitizer, and each Fuzz/Targets/NAME.swift is linked against
# them, with Fuzz/Support, into .build/fuzz/bin/NAME.
set -eu

cd "$(dirname "$0")/.."
SWIFTC=${SWIFTC:-swiftc}
CLANG=${CLANG:-$(dirname "$(command -v "$SWIFTC")")/clang}
OUT=.build/fuzz
LIB=$OUT/lib
FLAGS="-O -g -sanitize=fuzzer,address -use-ld=lld"

if [ $# -eq 0 ]; then
    set -- $(ls Fuzz/Targets | sed 's/\.swift$//')
fi
mkdir -p "$LIB" "$OUT/bin"

# Each library is rebuilt only when a source is newer than it: LetterCore (the engine,
# with its C helper), then LetterCLI (the command line, built against LetterCore).
library=$LIB/libLetterCore.a
cli=$LIB/libLetterCLI.a
if [ ! -f "$library" ] || [ -n "$(find Sources/LetterCore Sources/CLetterSystem -newer "$library" -print -quit)" ]; then
    echo "building LetterCore for fuzzing" >&2
    # A fresh archive: an old one keeps the members of files that were renamed or removed.
    rm -f "$library"
    # SwiftPM writes this module map for a C target; here we write it ourselves.
    printf 'module CLetterSystem {\n    header "%s"\n    export *\n}\n' \
        "$PWD/Sources/CLetterSystem/include/CLetterSystem.h" > "$LIB/module.modulemap"
    "$CLANG" -O1 -g -fsanitize=fuzzer-no-link,address -c Sources/CLetterSystem/CLetterSystem.c \
        -ISources/CLetterSystem/include -o "$LIB/CLetterSystem.o"
    # -enable-testing lets the targets reach internal helpers with @testable import.
    "$SWIFTC" $FLAGS -parse-as-library -enable-testing -module-name LetterCore -I "$LIB" \
        -emit-module -emit-module-path "$LIB/LetterCore.swiftmodule" \
        -emit-library -static -o "$library" $(find Sources/LetterCore -name '*.swift' | sort)
fi
if [ ! -f "$cli" ] || [ "$library" -nt "$cli" ] || [ -n "$(find Sources/LetterCLI -newer "$cli" -print -quit)" ]; then
    echo "building LetterCLI for fuzzing" >&2
    rm -f "$cli"
    "$SWIFTC" $FLAGS -parse-as-library -enable-testing -module-name LetterCLI -I "$LIB" \
        -emit-module -emit-module-path "$LIB/LetterCLI.swiftmodule" \
        -emit-library -static -o "$cli" $(find Sources/LetterCLI -name '*.swift' | sort)
fi

for target in "$@"; do
    source=Fuzz/Targets/$target.swift
    [ -f "$source" ] || { echo "build.sh: no fuzz target '$target' ($source)" >&2; exit 2; }
    echo "building $OUT/bin/$target" >&2
    "$SWIFTC" $FLAGS -parse-as-library -module-name "Fuzz$target" -I "$LIB" \
        "$source" Fuzz/Support/*.swift "$cli" "$library" "$LIB/CLetterSystem.o" -o "$OUT/bin/$target"
done
