#!/usr/bin/env bash
# What `make test` needs beyond the Rust toolchain: rustfmt and clippy, and promtool (Debian package
# `prometheus`) for `promtool check metrics` on every service's /metrics.
set -euo pipefail

rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy

missing=()
command -v promtool >/dev/null || missing+=(prometheus)
command -v psql >/dev/null || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} (apt)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "please install: ${missing[*]}" >&2
    exit 1
  fi
fi
echo "tools ready: $(promtool --version 2>&1 | head -n 1)"
