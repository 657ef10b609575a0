#!/usr/bin/env bash
# `make test`: formatting, lints and every test against real NATS, PostgreSQL and Redis (started first if they
# are not running). Installs what it needs on a fresh Debian machine (run as root there).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
step() { printf '\n==> %s\n' "$*"; }

step "tools"
scripts/install-test-tools.sh

step "local stack"
scripts/local-stack.sh up

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests"
scripts/purge-test-streams.py
trap scripts/purge-test-streams.py EXIT
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi
cargo test --workspace --locked --doc

for extra in scripts/schemathesis.sh scripts/check-deployments.sh; do
  if [ -x "$extra" ]; then step "$extra"; "$extra"; fi
done
step "all checks passed"
