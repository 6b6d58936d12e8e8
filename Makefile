# Everything a fresh clone needs is installed by these targets: the Rust toolchain comes with the
# machine; the S3 emulator (moto, pinned) is installed from PyPI into .venv.

PYTHON ?= python3
VENV := .venv
MOTO := moto[server]==5.2.5
CARGO ?= cargo
# s3rver (npm), a second S3 emulator whose preflights follow S3's algorithm, for `verify` tests.
S3RVER := .s3rver/node_modules/s3rver/package.json
# A real browser for the browser-model test (tests/e2e/browser.rs): Debian's Chromium (apt-get,
# as root) driven by playwright-core from npm, which never downloads a browser of its own.
CHROMIUM := /usr/bin/chromium
PLAYWRIGHT := .browser/node_modules/playwright-core/package.json

.PHONY: demo test check lint build bench clean

## demo: start the emulator, seed it, then cors-sync plan → apply → plan on manifests/
demo: $(VENV)/.installed
	$(CARGO) build --quiet
	./scripts/demo.sh target/debug/cors-sync

## test: formatting, lints, and every test (unit, snapshot, end-to-end against the emulators)
test: $(VENV)/.installed $(S3RVER) $(CHROMIUM) $(PLAYWRIGHT) lint
	$(CARGO) test --workspace --all-targets

## check: the pure core's tests only (no emulator, no AWS SDK build): the fast inner loop
check:
	$(CARGO) test -p cors-sync-core

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

build:
	$(CARGO) build --release

## bench: cors-sync plan over 1,000 buckets against aws-cli, boto3 and the emulator's ceiling;
## then validate, diff and convert at the size limit (scripts/bench_size.py)
bench: $(VENV)/.installed .venv-bench/.installed
	$(CARGO) build --release --quiet
	$(VENV)/bin/python scripts/bench.py
	$(PYTHON) scripts/bench_size.py

# The AWS CLI pins its own botocore, so it gets a venv of its own, apart from moto's.
.venv-bench/.installed:
	$(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet --disable-pip-version-check awscli
	touch $@

$(S3RVER):
	npm install --prefix .s3rver --no-audit --no-fund --loglevel=error s3rver@3.7.1

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

$(PLAYWRIGHT):
	npm install --prefix .browser --no-audit --no-fund --loglevel=error playwright-core@1.64.1

$(VENV)/.installed:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check '$(MOTO)'
	touch $@

clean:
	rm -rf $(VENV) .venv-bench .s3rver .browser target
