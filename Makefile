# The two commands of the README: `make run` serves the product, `make test` passes every test.
# Both install what the machine lacks first (Rust target and tools, npm packages, Debian packages).

.PHONY: run test quick bench setup setup-test setup-bench check fmt

run: setup
	scripts/run.sh

test: setup-test
	scripts/test.sh

# The unit and integration tests without the browser build and journeys.
quick: setup-test
	scripts/test.sh quick

# The benchmarks (release build; SQLite and PostgreSQL): one table, each figure beside an anchor of the same run.
bench: setup-bench
	scripts/bench.sh

setup:
	scripts/setup.sh run

setup-test:
	scripts/setup.sh test

setup-bench:
	scripts/setup.sh bench

# The lint gate of `make test` (formatting, clippy on the server and on the WebAssembly), without the tests.
check:
	scripts/lint.sh

fmt:
	cargo fmt --all
