"""Runs moto's S3/CloudFront server on 127.0.0.1 on a free port for tests and the demo.

Prints the port on the first line of stdout once the server accepts connections, then serves until
its stdin closes: the process that started it holds the other end, so the server ends with that
process however it ends (normal exit, panic, Ctrl-C, SIGKILL). Nothing is left running.

With --verify-signatures, moto checks every request's SigV4 signature (its IAM authentication,
off by default) against an IAM user created here with full access, whose access key id and secret
follow the port on the first line: "PORT KEY_ID SECRET".
"""

import json
import logging
import os
import signal
import sys

# Ctrl-C reaches every process of the terminal's foreground group: the script that started this
# one decides when it stops, by closing stdin, so an interrupt ends that script and then this one,
# without a Python traceback on the way.
signal.signal(signal.SIGINT, signal.SIG_IGN)

# Without this moto adds CORS headers to every response, and CORS checks would mean nothing.
os.environ["MOTO_DISABLE_GLOBAL_CORS"] = "true"
VERIFY_SIGNATURES = "--verify-signatures" in sys.argv[1:]
if VERIFY_SIGNATURES:
    # Moto authenticates every request after this many unauthenticated ones.
    os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"

from moto.server import ThreadedMotoServer  # noqa: E402

# One access-log line per request would drown the output of the tests and the demo.
logging.getLogger("werkzeug").setLevel(logging.ERROR)

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
port = server.get_host_and_port()[1]
if VERIFY_SIGNATURES:
    from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
    from moto.iam.models import iam_backends  # noqa: E402

    # Made in-process, not over HTTP: every HTTP request already needs a valid signature.
    iam = iam_backends[DEFAULT_ACCOUNT_ID]["global"]
    iam.create_user("us-east-1", "cors-sync-tests")
    iam.put_user_policy(
        "cors-sync-tests",
        "everything",
        json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    )
    key = iam.create_access_key("cors-sync-tests")
    print(port, key.access_key_id, key.secret_access_key, flush=True)
else:
    print(port, flush=True)
sys.stdin.read()
os._exit(0)
