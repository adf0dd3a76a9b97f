"""gunicorn configuration of benchmark servers: adkar's own settings, and each worker reported once its app
is loaded.

Used by bench/server.py for the app and the floor alike (`gunicorn --config bench/gunicorn_hooks.py`);
the worker model comes from the command line. The marker file tells the harness which pids serve requests
and that they are ready.
"""

import os
from pathlib import Path

from adkar import gunicorn_conf

timeout = gunicorn_conf.timeout


def post_worker_init(worker) -> None:
    gunicorn_conf.post_worker_init(worker)
    ready = os.environ.get("BENCH_READY_DIR")
    if ready:
        Path(ready, str(os.getpid())).touch()
