# Sourced by scripts/demo.sh (`make demo`) and scripts/emulator.sh (`make emulator`), so both
# start the same emulator seeded the same way.
#
# start_seeded_emulator DIR: starts moto (scripts/emulator.py) as this shell's coprocess
# EMULATOR, sets `endpoint` and exports the AWS_* variables that point cors-sync at it, seeds it
# with scripts/seed_demo.py, and fills DIR with manifests/*.yaml plus cdn.yaml, the distribution's
# manifest with the ID the emulator assigned. The emulator exits when this shell does: its stdin is
# the coprocess pipe this shell holds, however the shell ends.
start_seeded_emulator() {
  local manifests=$1
  local python=${CORS_SYNC_PYTHON:-.venv/bin/python}
  coproc EMULATOR { exec "$python" scripts/emulator.py; }
  local port
  read -r port <&"${EMULATOR[0]}" || { echo "the moto emulator did not start (run \`make .venv/.installed\`)" >&2; return 1; }
  endpoint="http://127.0.0.1:${port}"

  # Demo credentials for the emulator; with real AWS, cors-sync uses your normal credential chain.
  export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
  export AWS_ENDPOINT_URL="$endpoint"

  rm -rf "$manifests" && mkdir -p "$manifests"
  cp manifests/*.yaml "$manifests/"
  "$python" scripts/seed_demo.py "$endpoint" "$manifests"
}
