#!/usr/bin/env bash
# One closing line for `make test`: the tests passed and failed over every test binary in a
# `cargo test` log, and the binaries that did not report (a crash, or a build that failed).
set -euo pipefail
log=${1:?usage: test_summary.sh CARGO_TEST_LOG}
awk '
  /^     Running / || /^   Doc-tests / { started++ }
  /^test result: / { reported++; passed += $4; failed += $6; ignored += $8 }
  END {
    if (started > reported) printf "%d test binaries did not report a result (crashed or not built)\n", started - reported
    printf "%d passed, %d failed, %d skipped\n", passed, failed, ignored
  }
' "$log"
