#!/usr/bin/env bash
# `make bench`: every criterion benchmark of the workspace (short measurement windows so a full run fits in a
# few minutes on 2 cores), then the load benchmarks that services ship as scripts/bench-*.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/local-stack.sh up
cargo bench --workspace --locked -- --warm-up-time 1 --measurement-time 3
for extra in scripts/bench-*.sh; do
  [ -x "$extra" ] && { echo "==> $extra"; "$extra"; }
done
echo "==> record the numbers in docs/performance.md"
