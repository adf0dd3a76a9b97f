"""gunicorn configuration hooks for benchmark servers: report each worker once its app is loaded.

Only used by bench/server.py (`gunicorn --config bench/gunicorn_hooks.py ...`); it changes nothing about how
requests are served. The marker file tells the harness which pids serve requests and that they are ready.
"""

import os
from pathlib import Path


def post_worker_init(worker) -> None:
    ready = os.environ.get("BENCH_READY_DIR")
    if ready:
        Path(ready, str(os.getpid())).touch()
