#!/usr/bin/env bash
# `make emulator`: the emulator `make demo` uses, seeded the same way, in the foreground, so the
# README's tour can be followed by hand from another shell. Ctrl-C stops it (its state is lost).
# Usage: scripts/emulator.sh [DIR], where DIR receives the seeded manifests
# (default target/emulator-manifests).
set -euo pipefail
cd "$(dirname "$0")/.."
manifests=${1:-target/emulator-manifests}
source scripts/seeded_emulator.sh

echo "Starting the local AWS emulator (moto) and seeding it as \`make demo\` does:"
start_seeded_emulator "$manifests"
trap 'echo "Stopped the emulator."; exit 0' INT TERM

cat <<INSTRUCTIONS

The emulator is running on ${endpoint}. In another shell, in this directory, paste:

export AWS_ENDPOINT_URL=${endpoint} AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1

then follow the README's tour: \`cors-sync plan\` reads manifests/, which names the seeded buckets.
The seeded manifests, with cdn.yaml for the seeded CloudFront distribution, are in ${manifests}/.
Press Ctrl-C to stop the emulator.
INSTRUCTIONS

wait "$EMULATOR_PID"
