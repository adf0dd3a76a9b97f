"""gunicorn settings for serving adkar: `gunicorn -c python:adkar.gunicorn_conf 'adkar:create_app()'`.

Sync workers, chosen by measurement (docs/performance.md). Flags and GUNICORN_CMD_ARGS override any of
these, e.g. `--bind 127.0.0.1:8000 --workers 8`.
"""

from __future__ import annotations

import gc
import os

bind = os.environ.get("ADKAR_BIND", "127.0.0.1:8000")
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
timeout = 120  # sending a large batch of invitation emails from one request
accesslog = None  # the proxy logs requests (without survey tokens); the app never logs them


def post_worker_init(worker) -> None:
    """Once a worker has loaded the app, take what it loaded out of the garbage collector's scans: an
    import parses hundreds of thousands of objects, and every full collection walked the whole app too."""
    gc.freeze()
