#!/usr/bin/env bash
# Runs every benchmark of issue 6 and writes the results into BENCHMARKS.md.
#
#   bench/run.sh                      # echo loads, start-to-ready, routing (about 10 minutes)
#   bench/run.sh --template-build     # also the clean build of a generated project (minutes more)
#   bench/run.sh --rounds 5 --loads 1x3000,50x100   # any oxygram-bench option
#
# Needs python3 with telethon==1.45.* and kurigram (+ tgcrypto, kurigram's own speedup), and
# cargo-generate for --template-build. Implementations whose Python library is missing fail
# their runs and are listed as such; the others still run.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_INCREMENTAL=0
cargo build --release -p oxygram-bench
exec cargo run --release -p oxygram-bench -- all --routing --write BENCHMARKS.md "$@"
