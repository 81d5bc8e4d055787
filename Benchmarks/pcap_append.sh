#!/bin/sh
# callgrind's instructions for one pcap record of a 60-byte datagram: pcap_append.swift
# built with the writer's own sources as the release build compiles them (whole module,
# -O, no dynamic exclusivity checks), run for 1,000 and 101,000 records; the difference
# over 100,000 is one record, start-up and the file header left out.
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swiftc -O -wmo -parse-as-library -enforce-exclusivity=unchecked -module-name PcapAppend -o "$out/pcap_append" \
	Benchmarks/pcap_append.swift Sources/LetterCore/Capture/PcapWriter.swift Sources/LetterCore/Capture/InternetChecksum.swift \
	Sources/LetterCore/Model/Peer.swift \
	Sources/LetterCore/System/Clock.swift
instructions() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$out/pcap_append" "$1" 2>&1 | sed -n 's/.*Collected : //p'
}
few=$(instructions 1000)
many=$(instructions 101000)
echo "pcap writer: $(( (many - few) / 100000 )) instructions a record of a 60-byte IPv4 datagram ($few for 1,000 records, $many for 101,000)"
