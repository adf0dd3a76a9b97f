"""A real HTTP receiver in a thread that verifies each delivery with the standardwebhooks library itself,
and an admin with an endpoint pointing at it. Webhook tests allow private targets (the receiver listens on
127.0.0.1); tests of the SSRF defence turn that off again."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: dict | None  # the parsed body when the signature verified, else None
    error: str = ""


@dataclass
class Receiver:
    """Answers each POST with the next of `statuses` (then 200), after `delay` seconds."""

    url: str
    secret: str | None = None
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def verify(self, body: bytes, headers: dict[str, str]) -> tuple[dict | None, str]:
        if self.secret is None:
            return None, "no secret given to the receiver"
        try:
            return Webhook(self.secret).verify(body, headers), ""
        except WebhookVerificationError as exc:
            return None, str(exc)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            verified, error = state.verify(body, headers)
            with state.lock:
                state.received.append(Received(self.path, headers, body, verified, error))
                status = state.statuses.pop(0) if state.statuses else 200
            time.sleep(state.delay)
            try:
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up waiting (the timeout test)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/adkar"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WEBHOOKS_ALLOW_PRIVATE_TARGETS": True, "WEBHOOKS_TIMEOUT_SECONDS": 2}


def body_of(received: Received) -> dict:
    return json.loads(received.body)
