#!/bin/sh
# Builds and runs the XML markup scanner fuzz target (see README.md). Extra arguments go to libFuzzer.
set -eu
cd "$(dirname "$0")"
swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --product FuzzXMLMarkupScanner
mkdir -p corpus
if [ -z "$(ls corpus)" ]; then
    # One seed: a small register with the markup the scanner tracks, behind a feeding byte (0 = whole).
    { printf '\000'; cat <<'XML'; } > corpus/register.xml
<?xml version="1.0" encoding="UTF-8"?>
<!-- seed -->
<registry department="原平">
  <entity
    uscc="91140981MA0K00001X" note='a > b'
  >
    <name>晋北 &amp; 商贸<![CDATA[<x>]]><![CDATA[y]]></name>
    <phone/><?pi x
?>
  </entity>
  <entity><address>原平市
崞阳镇</address></entity>
</registry>
XML
fi
exec .build/release/FuzzXMLMarkupScanner -max_len=65536 "$@" corpus
