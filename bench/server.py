"""gunicorn servers started as subprocesses on 127.0.0.1, the way production runs the app.

Each server binds a free port, reports when every worker has loaded the app (gunicorn_hooks.py), and is
stopped with SIGTERM by the harness that started it. Worker memory is read from /proc/<pid>/status.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .options import ServerModel

REPO = Path(__file__).resolve().parent.parent
HOOKS = Path(__file__).resolve().parent / "gunicorn_hooks.py"
BOOT_TIMEOUT = 90.0


class ServerFailed(RuntimeError):
    """gunicorn exited or did not become ready; the message carries the end of its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak since the process started) of one process, in kB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


class Server:
    """`with Server(...) as server:` gunicorn serving `app_spec` with one worker model."""

    def __init__(
        self, app_spec: str, model: ServerModel, env: dict[str, str], workdir: Path, name: str
    ) -> None:
        self.app_spec = app_spec
        self.model = model
        self.env = env
        self.name = name
        self.port = free_port()
        self.ready_dir = workdir / f"ready-{name}-{self.port}"
        self.log_path = workdir / f"gunicorn-{name}-{model.label.replace(':', '-')}-{self.port}.log"
        self.process: subprocess.Popen | None = None
        self.boot_seconds: float | None = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self.ready_dir.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{self.port}",
            *self.model.gunicorn_args(),
            "--config",
            str(HOOKS),
            "--log-level",
            "warning",
            self.app_spec,
        ]
        env = {**os.environ, **self.env, "BENCH_READY_DIR": str(self.ready_dir)}
        started = time.perf_counter()
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_ready()
        self.boot_seconds = round(time.perf_counter() - started, 2)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise ServerFailed(f"gunicorn ({self.name}, {self.model.label}) exited:\n{self.log_tail()}")
            if len(self.worker_pids()) >= self.model.workers and self._accepts():
                return
            time.sleep(0.1)
        self.stop()
        raise ServerFailed(f"gunicorn ({self.name}, {self.model.label}) not ready in {BOOT_TIMEOUT:.0f}s")

    def _accepts(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        return sorted(int(p.name) for p in self.ready_dir.iterdir() if Path(f"/proc/{p.name}").exists())

    def memory(self) -> dict[int, dict[str, int]]:
        found = {}
        for pid in self.worker_pids():
            try:
                found[pid] = memory_kb(pid)
            except OSError:
                continue
        return found

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class QueueWorker:
    """`with QueueWorker(env, workdir):` a `flask --app adkar worker` beside the app's gunicorn, as in
    production: the respondents' requests wake it to publish their groups' batches."""

    def __init__(self, env: dict[str, str], workdir: Path, name: str, threads: int = 1) -> None:
        self.env = env
        self.threads = threads
        self.log_path = workdir / f"worker-{name}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> QueueWorker:
        command = [sys.executable, "-m", "flask", "--app", "adkar", "worker", "--threads", str(self.threads)]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def __exit__(self, *exc) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
