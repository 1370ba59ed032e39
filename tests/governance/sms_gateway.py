"""A fake SMS gateway on loopback (http.server in a thread) that records what it is sent and
can be told to fail or to answer slowly; `start(settings, monkeypatch)` points SMS at it."""

import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Gateway:
    def __init__(self):
        self.received = []  # one dict per request: the JSON body and the key it came with
        self.fail_next = 0  # answer 503 to this many requests
        self.delay = 0.0  # seconds before answering
        self.lock = threading.Lock()

    def texts(self):
        return [r["text"] for r in self.received]


@contextmanager
def start(settings, monkeypatch):
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with gateway.lock:
                gateway.received.append(
                    {**body, "authorization": self.headers.get("Authorization"), "path": self.path}
                )
                failing = gateway.fail_next > 0
                gateway.fail_next -= failing
            time.sleep(gateway.delay)
            self.send_response(503 if failing else 200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": false}' if failing else b'{"ok": true}')

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_GATEWAY_KEY = "test-key"
    settings.SMS_TEMPLATE = "【红格】{text}"
    settings.SMS_GATEWAY_TIMEOUT = 5
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
