"""`make bench`, the estate rows: `cors-sync plan` over 1,000 / 10,000 / 100,000 buckets (1,000 per
account, a role in each, no `region:`, 30 ms per request) against a bench-only S3/STS stand-in
(examples/bench_stand_in.rs) fast enough not to be the bound, at --parallelism 16 and 64.

Before measuring, it checks the stand-in answers as moto does: the same `cors-sync plan --format
json` over a few buckets in two accounts, against moto and against the stand-in, must be equal.

Each row: wall time against the latency bound, ceil(N / P) round trips for the bucket reads plus
the account guard (AssumeRole, then GetCallerIdentity) and the listing pages, each one round trip;
the stand-in's own ceiling (bare GETs, P at a time, as many as buckets); peak RSS; the requests,
counted by the stand-in by operation and account; the connections cors-sync opened.

Then `apply` of 10,000 changed buckets (backups included) against the same kind of bound.

`python scripts/bench_estate.py [--largest N] [--only apply]` (N: 1000, 10000 or 100000; default
100000; `--only apply` runs the apply rows alone).
Figures go to target/bench/estate.json. Not a test: it asserts only what makes a figure wrong
(the stand-in disagreeing with moto, requests other than the expected ones).
"""

import argparse
import http.client
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

import boto3
from botocore.config import Config

from bench import CREDENTIALS, ROOT, run_measured, say, start_emulator
from bench_proxy import LatencyProxy

BINARY = os.path.join(ROOT, "target", "release", "cors-sync")
STAND_IN = os.path.join(ROOT, "target", "release", "examples", "bench_stand_in")
PER_ACCOUNT = 1000
LATENCY = 0.030
LIST_PAGE = 10_000
SIZES = [1000, 10_000, 100_000]
PARALLELISMS = [16, 64]


def account_id(k):
    return f"3{k:011d}"


def bucket_name(k, i):
    return f"estate-{k:03d}-{i:05d}"


def write_estate(directory, accounts, per_account, regions=False, max_age=600):
    """A manifest directory: accounts.yaml declaring each account (a role to assume), then one
    file per account with its buckets, as examples/estate lays an estate out."""
    os.makedirs(directory, exist_ok=True)
    lines = ["version: 1", "accounts:"]
    for k in range(accounts):
        lines += [f"  - name: a{k:03d}", f'    id: "{account_id(k)}"', f"    role_arn: arn:aws:iam::{account_id(k)}:role/cors-sync"]
    with open(os.path.join(directory, "accounts.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    for k in range(accounts):
        lines = ["version: 1", f"account: a{k:03d}", "buckets:"]
        for i in range(per_account):
            lines.append(f"  - name: {bucket_name(k, i)}")
            if regions:
                lines.append("    region: us-east-1")
            lines += [
                "    cors_rules:",
                '      - allowed_origins: ["https://www.example.com"]',
                "        allowed_methods: [GET, HEAD]",
                f"        max_age_seconds: {max_age}",
            ]
        with open(os.path.join(directory, f"a{k:03d}.yaml"), "w") as f:
            f.write("\n".join(lines) + "\n")
    return directory


class StandIn:
    def __init__(self, accounts, per_account, latency_ms, max_age=600, throttle_rps=0):
        self.accounts, self.per_account = accounts, per_account
        self.process = subprocess.Popen(
            [STAND_IN, "serve", "--accounts", str(accounts), "--buckets", str(per_account),
             "--latency-ms", str(latency_ms), "--max-age", str(max_age), "--throttle-rps", str(throttle_rps)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )
        self.port = int(self.process.stdout.readline())
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def take_counts(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", "/__stand_in/counts")
        counts = json.loads(connection.getresponse().read())
        connection.close()
        # That connection was the bench's own, not cors-sync's.
        counts["connections"] -= 1
        return counts

    def ceiling(self, requests, concurrency):
        """Bare unsigned GETs of /<bucket>?cors through the stand-in, `concurrency` at a time."""
        out = subprocess.run(
            [STAND_IN, "ceiling", "--port", str(self.port), "--concurrency", str(concurrency), "--requests", str(requests),
             "--accounts", str(self.accounts), "--buckets", str(self.per_account)],
            check=True, capture_output=True, text=True,
        )
        self.take_counts()
        return float(out.stdout)

    def stop(self):
        self.process.stdin.close()
        self.process.wait()


def plan(manifest, endpoint, parallelism, extra=(), command="plan"):
    env = dict(os.environ, **CREDENTIALS)
    args = [BINARY, command, "-f", manifest, "--endpoint-url", endpoint, "--parallelism", str(parallelism),
            *(["--detailed-exitcode"] if command == "plan" else []), *extra]
    return run_measured(args, env)


def plan_output(manifest, endpoint):
    env = dict(os.environ, **CREDENTIALS)
    out = subprocess.run([BINARY, "plan", "-f", manifest, "--endpoint-url", endpoint, "--format", "json"],
                         env=env, capture_output=True, text=True)
    if out.returncode not in (0, 2):
        raise SystemExit(f"cors-sync plan against {endpoint} failed ({out.returncode}): {out.stderr}")
    return out.stdout.replace(endpoint, "ENDPOINT"), out.returncode


def check_against_moto(work):
    """The same plan (2 accounts x 3 buckets, every bucket's max age drifted to 300) against moto
    and against the stand-in: the JSON must be equal, so the bench reads what real code reads.
    Moto 5.2.5 leaves BucketRegion out of ListBuckets: the bench proxy writes it in, as AWS does."""
    accounts, per = 2, 3
    emulator, port = start_emulator()
    try:
        direct = f"http://127.0.0.1:{port}"
        base = boto3.client("sts", endpoint_url=direct, region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")
        for k in range(accounts):
            c = base.assume_role(RoleArn=f"arn:aws:iam::{account_id(k)}:role/seed", RoleSessionName="bench")["Credentials"]
            s3 = boto3.client(
                "s3", endpoint_url=direct, region_name="us-east-1", aws_access_key_id=c["AccessKeyId"],
                aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"],
                config=Config(s3={"addressing_style": "path"}),
            )
            for i in range(per):
                s3.create_bucket(Bucket=bucket_name(k, i))
                s3.put_bucket_cors(Bucket=bucket_name(k, i), CORSConfiguration={"CORSRules": [
                    {"AllowedOrigins": ["https://www.example.com"], "AllowedMethods": ["GET", "HEAD"], "MaxAgeSeconds": 300}]})
        proxy = LatencyProxy(port, 0, bucket_region="us-east-1")
        manifest = write_estate(os.path.join(work, "check"), accounts, per)
        from_moto, moto_code = plan_output(manifest, f"http://127.0.0.1:{proxy.port}")
        moto_requests = proxy.take_counts()
    finally:
        emulator.stdin.close()
        emulator.wait()
    stand_in = StandIn(accounts, per, 0, max_age=300)
    try:
        from_stand_in, stand_in_code = plan_output(manifest, stand_in.endpoint)
        counted = stand_in.take_counts()["requests"]
    finally:
        stand_in.stop()
    if (from_moto, moto_code) != (from_stand_in, stand_in_code):
        with open(os.path.join(ROOT, "target", "bench", "moto-plan.json"), "w") as f:
            f.write(from_moto)
        with open(os.path.join(ROOT, "target", "bench", "stand-in-plan.json"), "w") as f:
            f.write(from_stand_in)
        raise SystemExit("the stand-in and moto disagree: see target/bench/moto-plan.json and stand-in-plan.json")
    s3_requests = {op: sum(by_account.values()) for op, by_account in counted.items() if op in moto_requests}
    if s3_requests != {op: n for op, n in moto_requests.items() if op in ("ListBuckets", "GetBucketCors", "HeadBucket")}:
        raise SystemExit(f"the stand-in and moto saw different S3 requests: {counted} against {moto_requests}")
    if len(json.loads(from_stand_in)["changes"]) != accounts * per:
        raise SystemExit(f"the check's plan should change every bucket: {from_stand_in}")
    return {"buckets": accounts * per, "equal_plan_json": True, "requests": counted}


def expected_requests(accounts, per_account):
    pages = max(1, math.ceil(per_account / LIST_PAGE))
    return {
        "AssumeRole": accounts, "GetCallerIdentity": accounts,
        "ListBuckets": accounts * pages, "GetBucketCors": accounts * per_account,
    }


def estate_row(work, buckets, parallelisms):
    accounts = max(1, buckets // PER_ACCOUNT)
    per = buckets // accounts
    manifest = write_estate(os.path.join(work, f"estate-{buckets}"), accounts, per)
    stand_in = StandIn(accounts, per, int(LATENCY * 1000))
    rows = []
    try:
        for parallelism in parallelisms:
            say(f"plan: {buckets} buckets in {accounts} accounts, --parallelism {parallelism} ...")
            started = time.time()
            wall, (user, system), rss, code = plan(manifest, stand_in.endpoint, parallelism)
            if code != 0:
                raise SystemExit(f"cors-sync plan of {buckets} buckets found changes; the bench expects none")
            counts = stand_in.take_counts()
            totals = {op: sum(by_account.values()) for op, by_account in counts["requests"].items()}
            expected = expected_requests(accounts, per)
            per_account_exact = all(
                counts["requests"].get(op, {}).get(account_id(k)) == n // accounts
                for op, n in expected.items() for k in range(accounts)
            )
            pages = max(1, math.ceil(per / LIST_PAGE))
            # The guard (AssumeRole then GetCallerIdentity, one permit an account) and the
            # listing pages take their turns in the one --parallelism budget with the reads.
            guard = 2 * math.ceil(accounts / parallelism)
            bound = (guard + math.ceil((buckets + accounts * pages) / parallelism)) * LATENCY
            say(f"  the stand-in's ceiling: {buckets} bare GETs, {parallelism} at a time ...")
            ceiling = stand_in.ceiling(buckets, parallelism) + (
                guard + math.ceil(accounts * pages / parallelism)) * LATENCY
            rows.append({
                "buckets": buckets, "accounts": accounts, "parallelism": parallelism,
                "wall_seconds": round(wall, 2), "cpu_seconds": round(user + system, 2),
                "latency_bound_seconds": round(bound, 2), "ratio_to_latency_bound": round(wall / bound, 2),
                "stand_in_ceiling_seconds": round(ceiling, 2), "ceiling_ratio_to_bound": round(ceiling / bound, 2),
                "peak_rss_mib": round(rss, 1), "connections": counts["connections"],
                # Before the first request (the manifest read, the clients built) and after the
                # last answer (planning, rendering, exit).
                "startup_seconds": round(counts["first_request_unix"] - started, 2),
                "tail_seconds": round(started + wall - counts["last_answer_unix"], 2),
                "requests": totals, "requests_exact": totals == expected and per_account_exact,
            })
            say(f"  {rows[-1]}")
    finally:
        stand_in.stop()
    return rows


APPLY_BUCKETS = 10_000


def apply_rows(work, parallelisms):
    """`apply` of 10,000 changed buckets (10 accounts): the stand-in answers max age 300 where the
    manifest says 600, so every bucket changes. Each bucket costs three round trips: the plan's
    read, apply's re-read just before the write, and PutBucketCors; its previous state is
    recorded in the backup journal (on this disk, not tmpfs: its flushes are real) before the
    write is sent. The bound: the plan's, plus ceil(N / P) x 2 round trips for the writes."""
    accounts = APPLY_BUCKETS // PER_ACCOUNT
    manifest = write_estate(os.path.join(work, "apply"), accounts, PER_ACCOUNT)
    stand_in = StandIn(accounts, PER_ACCOUNT, int(LATENCY * 1000), max_age=300)
    backups = os.path.join(ROOT, "target", "bench", "apply-backups")
    rows = []
    try:
        for parallelism in parallelisms:
            shutil.rmtree(backups, ignore_errors=True)
            say(f"apply: {APPLY_BUCKETS} changed buckets in {accounts} accounts, --parallelism {parallelism} ...")
            wall, (user, system), rss, code = plan(
                manifest, stand_in.endpoint, parallelism,
                extra=["--auto-approve", "--backup-dir", backups], command="apply")
            if code != 0:
                raise SystemExit(f"cors-sync apply of {APPLY_BUCKETS} buckets failed ({code})")
            counts = stand_in.take_counts()
            totals = {op: sum(by_account.values()) for op, by_account in counts["requests"].items()}
            journals = [os.path.join(d, f, "journal.jsonl") for d in [backups] for f in os.listdir(backups)]
            entries = sum(1 for j in journals for _ in open(j))
            shutil.rmtree(backups, ignore_errors=True)
            expected = dict(expected_requests(accounts, PER_ACCOUNT), PutBucketCors=APPLY_BUCKETS)
            expected["GetBucketCors"] = 2 * APPLY_BUCKETS
            reads = math.ceil(APPLY_BUCKETS / parallelism)
            bound = (3 * reads + 3) * LATENCY
            rows.append({
                "buckets": APPLY_BUCKETS, "accounts": accounts, "parallelism": parallelism,
                "wall_seconds": round(wall, 2), "cpu_seconds": round(user + system, 2),
                "latency_bound_seconds": round(bound, 2), "ratio_to_latency_bound": round(wall / bound, 2),
                "peak_rss_mib": round(rss, 1), "journal_entries": entries,
                "requests": totals, "requests_exact": totals == expected,
            })
            say(f"  {rows[-1]}")
    finally:
        stand_in.stop()
    return rows


ONE_ACCOUNT_FORMATS = [("text", []), ("markdown", ["--format", "markdown"]), ("saved", ["--out", "PLANFILE"])]


def one_account_rows(work, largest):
    """One account holding every bucket, each one changed (the stand-in answers max age 300
    where the manifest says 600), no latency: what is left is cors-sync's own work per bucket,
    which must grow linearly. Planned as text, as the markdown comment (which compares access
    through the live state), and saved to a plan file."""
    rows = []
    for buckets in [n for n in (10_000, 100_000) if n <= largest]:
        manifest = write_estate(os.path.join(work, f"one-{buckets}"), 1, buckets)
        stand_in = StandIn(1, buckets, 0, max_age=300)
        try:
            for name, extra in ONE_ACCOUNT_FORMATS:
                planfile = os.path.join(work, f"one-{buckets}.plan")
                say(f"plan: one account of {buckets} changed buckets, {name} ...")
                wall, (user, system), rss, code = plan(manifest, stand_in.endpoint, 64,
                                                       [planfile if a == "PLANFILE" else a for a in extra])
                if code != 2:
                    raise SystemExit(f"cors-sync plan ({name}) of {buckets} changed buckets exited {code}")
                stand_in.take_counts()
                rows.append({"buckets": buckets, "format": name, "wall_seconds": round(wall, 2),
                             "cpu_seconds": round(user + system, 2), "peak_rss_mib": round(rss, 1)})
                say(f"  {rows[-1]}")
        finally:
            stand_in.stop()
    return rows


def validate_rows(work, largest):
    """validate of a manifest directory of 10 and of 100 accounts' files (1,000 buckets each)."""
    rows = []
    for buckets in [n for n in (10_000, 100_000) if n <= largest]:
        directory = write_estate(os.path.join(work, f"validate-{buckets}"), buckets // PER_ACCOUNT, PER_ACCOUNT, regions=True)
        walls, rss = [], []
        for _ in range(3):
            wall, _, peak, code = run_measured([BINARY, "validate", "-f", directory])
            if code != 0:
                raise SystemExit(f"validate of {buckets} buckets failed")
            walls.append(wall)
            rss.append(peak)
        rows.append({"buckets": buckets, "files": buckets // PER_ACCOUNT + 1, "wall_seconds": round(sorted(walls)[1], 3), "peak_rss_mib": round(max(rss), 1)})
    return rows


def load():
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--largest", type=int, default=100_000, choices=SIZES)
    parser.add_argument("--only", choices=["apply", "one-account"])
    args = parser.parse_args()
    os.makedirs(os.path.join(ROOT, "target", "bench"), exist_ok=True)
    work = tempfile.mkdtemp()
    try:
        check, rows, validate, one_account = None, [], [], []
        if args.only is None:
            say("checking the stand-in against moto ...")
            check = check_against_moto(work)
            for buckets in [n for n in SIZES if n <= args.largest]:
                rows += estate_row(work, buckets, PARALLELISMS)
            validate = validate_rows(work, args.largest)
        if args.only in (None, "apply") and args.largest >= APPLY_BUCKETS:
            applied = apply_rows(work, PARALLELISMS)
        else:
            applied = []
        if args.only in (None, "one-account"):
            one_account = one_account_rows(work, args.largest)
    finally:
        shutil.rmtree(work)
    summary = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "load_average_after": load(),
        "latency_ms": LATENCY * 1000,
        "moto_check": check,
        "plan": rows,
        "validate": validate,
        "apply": applied,
        "one_account": one_account,
    }
    with open(os.path.join(ROOT, "target", "bench", "estate.json"), "w") as f:
        json.dump(summary, f, indent=2)
    checked = f"its plan JSON equal to moto's over {check['buckets']} buckets" if check else "not checked against moto in this run"
    print(f"\nThe estate: {PER_ACCOUNT:,} buckets per account (a role each), no region:, {LATENCY * 1000:.0f} ms per request, "
          f"against the stand-in ({checked})")
    print(f"{'buckets':>8} {'P':>3} {'wall s':>7} {'bound s':>8} {'x bound':>8} {'ceiling s':>10} {'ceil/bound':>10} {'RSS MiB':>8} {'CPU s':>6} {'conns':>6} {'start s':>7} {'tail s':>6} requests")
    for r in rows:
        exact = "exact" if r["requests_exact"] else f"NOT AS EXPECTED {r['requests']}"
        print(f"{r['buckets']:>8} {r['parallelism']:>3} {r['wall_seconds']:>7.2f} {r['latency_bound_seconds']:>8.2f} {r['ratio_to_latency_bound']:>8.2f} "
              f"{r['stand_in_ceiling_seconds']:>10.2f} {r['ceiling_ratio_to_bound']:>10.2f} {r['peak_rss_mib']:>8.1f} {r['cpu_seconds']:>6.1f} {r['connections']:>6} "
              f"{r['startup_seconds']:>7.2f} {r['tail_seconds']:>6.2f} {exact}")
    for a in applied:
        exact = "exact" if a["requests_exact"] else f"NOT AS EXPECTED {a['requests']}"
        print(f"apply, {a['buckets']:,} changed buckets, --parallelism {a['parallelism']}: {a['wall_seconds']:.2f} s, "
              f"bound {a['latency_bound_seconds']:.2f} s ({a['ratio_to_latency_bound']:.2f}x), peak RSS {a['peak_rss_mib']:.1f} MiB, "
              f"{a['journal_entries']:,} journal entries, requests {exact}")
    for o in one_account:
        smaller = next((r for r in one_account if r["format"] == o["format"] and r["buckets"] < o["buckets"]), None)
        growth = f", {o['wall_seconds'] / smaller['wall_seconds']:.1f}x the {smaller['buckets']:,}" if smaller else ""
        print(f"plan, one account of {o['buckets']:,} changed buckets, no latency, {o['format']}: {o['wall_seconds']:.2f} s "
              f"({o['cpu_seconds']:.1f} s CPU{growth}), peak RSS {o['peak_rss_mib']:.1f} MiB")
    for v in validate:
        print(f"validate, {v['buckets']:,} buckets in {v['files']} files: {v['wall_seconds']} s, peak RSS {v['peak_rss_mib']} MiB")
    print(f"\nmachine: {summary['machine']}; load average {summary['load_average_after']}; figures in target/bench/estate.json")


if __name__ == "__main__":
    main()
