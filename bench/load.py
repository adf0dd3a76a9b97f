"""Bounded load: N threads, each with its own keep-alive connection, posting for a fixed time.

Each thread prepares its requests before the clock starts (fetching a form for its session cookie and CSRF
token when the endpoint needs one), so the timed loop does nothing but send, read and record.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .httpclient import Client

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
Prepare = Callable[[int, Client], list[tuple[str, bytes]]]


@dataclass
class LoadResult:
    ok_status: int
    concurrency: int
    elapsed: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)  # exceptions by type: timeouts, resets
    latencies: list[float] = field(default_factory=list)
    exhausted: int = 0  # threads that ran out of prepared requests before the time was up
    retries: int = 0

    @classmethod
    def combine(cls, results: list[LoadResult]) -> LoadResult:
        """Several runs of one server as one: their requests and their timed seconds added up."""
        first = results[0]
        combined = cls(ok_status=first.ok_status, concurrency=first.concurrency)
        for result in results:
            combined.elapsed += result.elapsed
            combined.statuses.update(result.statuses)
            combined.failures.update(result.failures)
            combined.latencies.extend(result.latencies)
            combined.exhausted += result.exhausted
            combined.retries += result.retries
        return combined

    @property
    def successes(self) -> int:
        return self.statuses[self.ok_status]

    @property
    def errors(self) -> int:
        """Every request that did not get the expected status, including those that got no answer."""
        return sum(self.failures.values()) + sum(n for s, n in self.statuses.items() if s != self.ok_status)

    @property
    def throughput(self) -> float:
        return self.successes / self.elapsed if self.elapsed else 0.0

    def percentile_ms(self, q: float) -> float:
        return float(np.percentile(self.latencies, q) * 1000) if self.latencies else float("nan")

    def summary(self) -> dict:
        return {
            "concurrency": self.concurrency,
            "seconds": round(self.elapsed, 3),
            "requests": len(self.latencies) + sum(self.failures.values()),
            "successes": self.successes,
            "errors": self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "failures": dict(self.failures),
            "throughput_rps": round(self.throughput, 1),
            "p50_ms": round(self.percentile_ms(50), 2),
            "p90_ms": round(self.percentile_ms(90), 2),
            "p99_ms": round(self.percentile_ms(99), 2),
            "max_ms": round(max(self.latencies) * 1000, 2) if self.latencies else None,
            "exhausted_threads": self.exhausted,
            "stale_connection_retries": self.retries,
        }


def run(port: int, *, concurrency: int, duration: float, prepare: Prepare, ok_status: int) -> LoadResult:
    """POST every thread's prepared (path, body) pairs until `duration` seconds have passed."""
    result = LoadResult(ok_status=ok_status, concurrency=concurrency)
    clock: dict[str, float] = {}
    lock = threading.Lock()
    problems: list[BaseException] = []

    def start_clock() -> None:
        clock["start"] = time.perf_counter()
        clock["deadline"] = clock["start"] + duration

    barrier = threading.Barrier(concurrency, action=start_clock)

    def worker(index: int) -> None:
        client = Client(port)
        try:
            items = prepare(index, client)
        except BaseException as exc:
            problems.append(exc)
            barrier.abort()
            return
        finally:
            client.close()  # the timed run starts on a fresh connection
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return
        statuses: Counter = Counter()
        failures: Counter = Counter()
        latencies: list[float] = []
        deadline = clock["deadline"]
        ran_out = True
        for path, body in items:
            if time.perf_counter() >= deadline:
                ran_out = False
                break
            try:
                reply = client.request("POST", path, body, FORM)
            except Exception as exc:
                failures[type(exc).__name__] += 1
                continue
            statuses[reply.status] += 1
            latencies.append(reply.seconds)
        finished = time.perf_counter()
        client.close()
        with lock:
            result.statuses.update(statuses)
            result.failures.update(failures)
            result.latencies.extend(latencies)
            result.exhausted += ran_out
            result.retries += client.retries
            result.elapsed = max(result.elapsed, finished - clock["start"])

    threads = [threading.Thread(target=worker, args=(i,), name=f"load-{i}") for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if problems:
        raise problems[0]
    return result
