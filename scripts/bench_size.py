"""`make bench` (second part): how cors-sync's offline commands scale with the size of their input.

Generates, in a scratch directory, a manifest of about 50 MB (the 64 MiB read limit is the
ceiling) and a CloudFormation template of 200,000 buckets, then times the release binary on each:
`validate`, `diff` of the manifest against itself and against a copy in which every bucket's
answer changes, `convert cloudformation` of the template.
Each also runs at a tenth of the size: linear work takes about ten times as long at full size,
quadratic work about a hundred times, and the last column says which. Peak memory is the child's
own maximum resident set (wait4), set against the input's size.

Prints a table and writes the same figures as JSON to target/bench/size.json. Not a test: it asserts
nothing. Needs only Python's standard library and `cargo build --release`.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# CORS_SYNC_BINARY: another build to measure (an earlier one, for a before-and-after).
BINARY = os.environ.get("CORS_SYNC_BINARY") or os.path.join(ROOT, "target", "release", "cors-sync")
MANIFEST_BUCKETS = 38_000
TEMPLATE_RESOURCES = 200_000


def manifest(path, buckets, max_age=3000):
    """About 1.4 KB a bucket: sixteen long origins in one rule, and a second rule for reads. Long
    values keep the document under the reader's bound of 2,000,000 YAML values."""
    with open(path, "w") as out:
        out.write("version: 1\nbuckets:\n")
        for b in range(buckets):
            origins = ", ".join(
                f'"https://tenant-{b:06d}-storefront-site-{o:02d}.customers.example.com"'
                for o in range(16)
            )
            out.write(
                f"  - name: size-bench-{b:06d}\n"
                "    cors_rules:\n"
                f"      - id: uploads-{b}\n"
                f"        allowed_origins: [{origins}]\n"
                "        allowed_methods: [GET, PUT, POST]\n"
                f"        max_age_seconds: {max_age}\n"
                '      - allowed_origins: ["https://www.example.com"]\n'
                "        allowed_methods: [GET, HEAD]\n"
            )


def template(path, resources):
    """A JSON template (as CDK synthesises) of buckets, each with one CORS rule."""
    with open(path, "w") as out:
        out.write('{"Resources": {\n')
        for r in range(resources):
            sep = "," if r + 1 < resources else ""
            bucket = {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "BucketName": f"cfn-size-bench-{r:06d}",
                    "CorsConfiguration": {
                        "CorsRules": [
                            {
                                "AllowedOrigins": [f"https://app-{r}.example.com"],
                                "AllowedMethods": ["GET", "PUT"],
                                "MaxAge": 600,
                            }
                        ]
                    },
                },
            }
            out.write(f'"Bucket{r}": {json.dumps(bucket)}{sep}\n')
        out.write("}}\n")


def measure(args, cwd):
    """(seconds, peak resident MiB, exit code) of one run of the binary."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [BINARY, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 2):
        err = child.stderr.read().decode(errors="replace")[:500]
        sys.exit(f"cors-sync {' '.join(args)} failed ({code}): {err}")
    child.stderr.close()
    return elapsed, usage.ru_maxrss / 1024, code


def main():
    if not os.path.exists(BINARY):
        sys.exit("build the release binary first: cargo build --release")
    rows = []
    with tempfile.TemporaryDirectory(prefix="cors-sync-size-") as scratch:
        for scale in (10, 1):
            suffix = "small" if scale == 10 else "full"
            manifest(os.path.join(scratch, f"m-{suffix}.yaml"), MANIFEST_BUCKETS // scale)
            # Every bucket's answer changes (its max-age), so every bucket is evaluated.
            manifest(
                os.path.join(scratch, f"changed-{suffix}.yaml"), MANIFEST_BUCKETS // scale, 600
            )
            template(os.path.join(scratch, f"t-{suffix}.json"), TEMPLATE_RESOURCES // scale)
        cases = [
            ("validate", lambda s: ["validate", "-f", f"m-{s}.yaml"], "m-{}.yaml"),
            ("diff (itself)", lambda s: ["diff", f"m-{s}.yaml", f"m-{s}.yaml"], "m-{}.yaml"),
            (
                "diff (every bucket)",
                lambda s: ["diff", f"m-{s}.yaml", f"changed-{s}.yaml"],
                "m-{}.yaml",
            ),
            (
                "convert cloudformation",
                lambda s: ["convert", "cloudformation", f"t-{s}.json"],
                "t-{}.json",
            ),
        ]
        for name, args, input_name in cases:
            small = measure(args("small"), scratch)
            full = measure(args("full"), scratch)
            size = os.path.getsize(os.path.join(scratch, input_name.format("full"))) / 2**20
            ratio = full[0] / max(small[0], 1e-3)
            rows.append(
                {
                    "command": name,
                    "input_mib": round(size, 1),
                    "seconds": round(full[0], 2),
                    "peak_mib": round(full[1]),
                    "peak_per_input": round(full[1] / size, 1),
                    "seconds_at_a_tenth": round(small[0], 2),
                    "time_ratio_10x_input": round(ratio, 1),
                }
            )
    header = f"{'command':<24}{'input':>10}{'time':>9}{'peak RSS':>10}{'RSS/input':>10}{'x10 input':>11}"
    print(header)
    for r in rows:
        print(
            f"{r['command']:<24}{r['input_mib']:>8} M{r['seconds']:>8}s{r['peak_mib']:>8} M"
            f"{r['peak_per_input']:>9}x{r['time_ratio_10x_input']:>10}x"
        )
    out_dir = os.path.join(ROOT, "target", "bench")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "size.json"), "w") as out:
        json.dump(rows, out, indent=2)


if __name__ == "__main__":
    main()
