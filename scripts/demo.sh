#!/usr/bin/env bash
# `make demo`: a local S3 (moto), seeded so that live CORS differs from manifests/, then
# cors-sync plan → apply → plan, showing the diff converge. The emulator stops with this script.
set -euo pipefail
cd "$(dirname "$0")/.."
cors_sync=${1:-target/debug/cors-sync}

if [[ -t 2 && -z ${NO_COLOR:-} ]]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain" >&2; }
run() { printf '$ %s\n' "cors-sync $*" >&2; "$cors_sync" "$@"; }

source scripts/seeded_emulator.sh
# The manifests, plus the distribution's, whose ID the emulator assigns when the seed creates it.
manifests=target/demo-manifests
step "Starting a local AWS emulator (moto) and seeding it"
start_seeded_emulator "$manifests"
echo "  emulator: ${endpoint}"
echo "  manifests: $(cd "$manifests" && ls *.yaml | tr '\n' ' ')(cdn.yaml written from manifests/cdn.yaml.template)"

step "1. validate: the manifests are checked offline, every problem reported with file:line:col"
run validate -f "$manifests"

step "2. plan: what apply would change (rule order matters; method order inside a rule does not)"
run plan -f "$manifests"

step "3. apply: writes exactly the planned changes (--auto-approve since this is a script)"
run apply -f "$manifests" --auto-approve

step "4. plan again: live state now equals the manifests (exit code 0 with --detailed-exitcode)"
run plan -f "$manifests" --detailed-exitcode

step "5. the bucket the manifests do not name kept its CORS (import prints live state as a manifest)"
run import --bucket legacy-reports

step "6. check: will a browser's request work? (exit 0 allowed, 2 denied)"
run check s3://storefront-uploads --origin https://shop.example.com --method PUT --header Content-Type -f "$manifests"
run check s3://storefront-uploads --origin https://evil.example.net --method PUT -f "$manifests" || true

step "Done. The emulator stops now; nothing was left running."
