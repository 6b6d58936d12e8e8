"""Runs moto's S3/CloudFront server on 127.0.0.1 on a free port for tests and the demo.

Prints the port on the first line of stdout once the server accepts connections, then serves until
its stdin closes: the process that started it holds the other end, so the server ends with that
process however it ends (normal exit, panic, Ctrl-C, SIGKILL). Nothing is left running.
"""

import logging
import os
import sys

# Without this moto adds CORS headers to every response, and CORS checks would mean nothing.
os.environ["MOTO_DISABLE_GLOBAL_CORS"] = "true"

from moto.server import ThreadedMotoServer  # noqa: E402

# One access-log line per request would drown the output of the tests and the demo.
logging.getLogger("werkzeug").setLevel(logging.ERROR)

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
os._exit(0)
