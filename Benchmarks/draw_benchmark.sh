#!/bin/sh
# Release benchmarks of the draw (issue 4) and the inspector matching (issue 5).
# (a) every group of the 2024 seed plan (all 42 tasks) drawn over 1,000,000 generated entities;
# (b) 50,000 objects matched against 2,000 inspectors in 10 departments.
# Usage: Benchmarks/draw_benchmark.sh [extra `suiji-dev draw bench` options, e.g. --cooperators 9]
# To time another build (say main's, to compare in the same session), name its suiji-dev in SUIJI_DEV:
#   SUIJI_DEV=/tmp/suiji-dev-main Benchmarks/draw_benchmark.sh   (nothing is built then)
set -eu
cd "$(dirname "$0")/.."
if [ -z "${SUIJI_DEV:-}" ]; then
    swift build -c release --product suiji-dev >/dev/null
    SUIJI_DEV=.build/release/suiji-dev
fi
exec "$SUIJI_DEV" draw bench --entities 1000000 --objects 50000 --inspectors 2000 --departments 10 "$@"
