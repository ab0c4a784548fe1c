#!/bin/sh
# Release benchmarks of the draw (issue 4) and the inspector matching (issue 5).
# (a) every group of the 2024 seed plan (all 42 tasks) drawn over 1,000,000 generated entities;
# (b) 50,000 objects matched against 2,000 inspectors in 10 departments.
# Usage: Benchmarks/draw_benchmark.sh [extra `suiji-dev draw bench` options, e.g. --cooperators 9]
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product suiji-dev >/dev/null
exec .build/release/suiji-dev draw bench --entities 1000000 --objects 50000 --inspectors 2000 --departments 10 "$@"
