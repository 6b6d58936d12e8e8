"""Runs LocalStack's S3 (PyPI localstack-core 4.14.0, in .venv-localstack; no Docker) for the
tests, as the AWS-faithful preflight oracle. LocalStack listens on every interface whatever it is
told, so it runs in a network namespace of its own (`unshare --net`, whose only interface is its
own loopback), and its port is brought to this machine's 127.0.0.1 through a Unix socket in a
temporary directory: nothing is reachable from outside the machine.

Prints the port on the first line of stdout once S3 answers, then serves until its stdin closes,
and then stops LocalStack and removes its data.
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

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = os.path.join(HERE, "..", ".venv-localstack", "bin", "python")
INSIDE_PORT = 4566


def pipe(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def forward(listener, connect):
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        try:
            upstream = connect()
        except OSError:
            client.close()
            continue
        threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()


def inside(sock_path, data):
    """In the namespace: loopback up, LocalStack on it, its port served on the Unix socket."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    env = dict(os.environ, OVERRIDE_IN_DOCKER="0", GATEWAY_LISTEN=f"127.0.0.1:{INSIDE_PORT}",
               SERVICES="s3", DISABLE_EVENTS="1", SKIP_SSL_CERT_DOWNLOAD="1", DNS_ADDRESS="0",
               LOCALSTACK_VOLUME_DIR=os.path.join(data, "volume"), TMPDIR=data)
    log = open(os.path.join(data, "localstack.log"), "wb")
    server = subprocess.Popen([PYTHON, "-m", "localstack.runtime.main"], env=env, stdout=log,
                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.time() + 120
    while True:
        if server.poll() is not None or time.time() > deadline:
            print("failed", flush=True)
            return 1
        try:
            socket.create_connection(("127.0.0.1", INSIDE_PORT), timeout=1).close()
            with open(os.path.join(data, "localstack.log"), "rb") as f:
                if b"Ready." in f.read():
                    break
        except OSError:
            pass
        time.sleep(0.3)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(sock_path)
    listener.listen(64)
    threading.Thread(target=forward, args=(listener, lambda: socket.create_connection(
        ("127.0.0.1", INSIDE_PORT))), daemon=True).start()
    print("ready", flush=True)
    sys.stdin.read()
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--inside":
        return inside(sys.argv[2], sys.argv[3])
    if not os.path.exists(PYTHON):
        print("missing: .venv-localstack; run `make .venv-localstack/.installed`", flush=True)
        return 1
    data = tempfile.mkdtemp(prefix="cors-sync-localstack-")
    sock_path = os.path.join(data, "s3.sock")
    child = subprocess.Popen(["unshare", "--net", "--", sys.executable, os.path.abspath(__file__),
                              "--inside", sock_path, data],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)

    def stop(*_):
        if child.poll() is None:
            try:
                child.stdin.close()
                child.wait(15)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(child.pid, signal.SIGKILL)
        shutil.rmtree(data, ignore_errors=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    said = child.stdout.readline().decode().strip()
    if said != "ready":
        try:
            with open(os.path.join(data, "localstack.log"), "rb") as f:
                sys.stderr.write(f.read()[-3000:].decode(errors="replace"))
        except OSError:
            pass  # It never got as far as starting (unshare needs root).
        print("failed: LocalStack did not start in its network namespace (needs root for unshare --net)", flush=True)
        stop()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)

    def to_inside():
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock_path)
        return s

    threading.Thread(target=forward, args=(listener, to_inside), daemon=True).start()
    print(listener.getsockname()[1], flush=True)
    sys.stdin.read()
    stop()


if __name__ == "__main__":
    sys.exit(main())
