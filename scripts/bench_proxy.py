"""The benchmark's proxy between a client and moto: real-AWS round trips on loopback.

It holds every request `delay` seconds before forwarding it, counts the requests by S3 operation,
and, given `bucket_region`, writes `<BucketRegion>` into each bucket of a ListBuckets answer as AWS
does (moto 5.2.5 leaves it out), so that region discovery is measured as it runs against AWS.
Bench-only: it understands just enough HTTP/1.1 for one request per connection.
"""

import socket
import threading
import time
from collections import Counter


def operation(request_line):
    """The S3 operation a path-style request line names, for counting."""
    method, target = request_line.split(b" ")[:2]
    path, _, query = target.decode().partition("?")
    bucket = path.strip("/")
    if not bucket:
        return "ListBuckets" if method == b"GET" else f"{method.decode()} /"
    if method == b"HEAD":
        return "HeadBucket"
    if method == b"GET" and query.split("&")[0] == "cors":
        return "GetBucketCors"
    return f"{method.decode()} /{bucket}?{query}"


def with_bucket_region(response, region):
    """A ListBuckets answer with `<BucketRegion>` after each bucket's name; Content-Length kept true."""
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if any(line.lower().startswith(b"transfer-encoding:") for line in lines):
        raise SystemExit("bench proxy: a chunked ListBuckets answer; teach with_bucket_region to unchunk it")
    body = body.replace(b"</Name>", b"</Name><BucketRegion>" + region.encode() + b"</BucketRegion>")
    lines = [b"Content-Length: %d" % len(body) if line.lower().startswith(b"content-length:") else line for line in lines]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class LatencyProxy:
    def __init__(self, upstream_port, delay, bucket_region=None):
        self.upstream_port = upstream_port
        self.delay = delay
        self.bucket_region = bucket_region
        self.counts = Counter()
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(256)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def take_counts(self):
        """The requests counted since the last call, by operation."""
        with self.lock:
            counts, self.counts = self.counts, Counter()
        return dict(counts)

    def accept(self):
        while True:
            client, _ = self.listener.accept()
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()

    def serve(self, client):
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = client.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            while len(body) < length:
                body += client.recv(65536)
            name = operation(head.split(b"\r\n")[0])
            with self.lock:
                self.counts[name] += 1
            time.sleep(self.delay)
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            upstream.sendall(head + b"\r\n\r\n" + body)
            response = b""
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                response += chunk
            upstream.close()
            if name == "ListBuckets" and self.bucket_region:
                response = with_bucket_region(response, self.bucket_region)
            client.sendall(response)
        finally:
            client.close()
