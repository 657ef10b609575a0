# The two commands a newcomer needs: `make run` and `make test`. Everything else is a convenience.
SHELL := /bin/bash
# Only `make run` reads EXCHANGE (sim or binance); it is not exported, so tests never see it.
EXCHANGE ?= sim

.PHONY: run test bench build fmt lint stack-up stack-down stack-status

run: ## the whole product locally (simulator by default; EXCHANGE=binance for live data)
	EXCHANGE=$(EXCHANGE) scripts/run-local.sh

test: ## fmt, clippy and every test against real NATS, PostgreSQL and Redis
	scripts/test.sh

bench: ## criterion benchmarks and load measurements (numbers go to docs/performance.md)
	scripts/bench.sh

build:
	cargo build --workspace --locked

fmt:
	cargo fmt --all

lint:
	cargo clippy --workspace --all-targets --locked -- -D warnings

stack-up:
	scripts/local-stack.sh up

stack-down:
	scripts/local-stack.sh down

stack-status:
	scripts/local-stack.sh status
