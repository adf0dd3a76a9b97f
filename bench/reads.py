"""Benchmarks 2, 3 and 5: readiness over the API, the dashboard page, and readiness as a wave grows.

One server serves them all (started by the runner, which then runs the import on it). Three waves hold 1%,
10% and 100% of --responses; readiness is timed over HTTP against the bare GROUP BY over a plain table
holding the same rows (timed in-process, so the floor carries no HTTP cost at all). The three waves are timed
in rounds, one request each per round, so a busy moment on the machine weighs on every size alike and the
growth ratio measures the size, not the moment. The dashboard is compared with the floor at full size. The
workers' peak memory (VmHWM) is compared with their resident memory when idle, right after loading the app.
"""

from __future__ import annotations

import json
import statistics
import time

from . import figures
from .context import Context
from .httpclient import Client, Reply, expect, login
from .plain import readiness_floor_sql
from .progress import say
from .server import Server

READINESS_GOAL = 1.5
DASHBOARD_GOAL = 3.0
GROWTH_GOAL = 1.5
MEMORY_ALLOWANCE_MB = 300
WARMUP = 2
MIN_SAMPLES = 5
TIME_BUDGET = 45.0  # seconds per timed series: a slow page gets fewer samples, never fewer than MIN_SAMPLES


def _enough(samples: list[float], repeats: int, began: float) -> bool:
    """--repeats samples, or fewer (at least MIN_SAMPLES) once TIME_BUDGET seconds have gone by."""
    return len(samples) >= repeats or (
        len(samples) >= MIN_SAMPLES and time.perf_counter() - began > TIME_BUDGET
    )


def time_floor(ctx: Context, size: int) -> dict:
    """The bare aggregate over the plain table, on a bare DBAPI connection: median of the samples."""
    conn = ctx.target.connect()
    try:
        cursor = conn.cursor()
        samples: list[float] = []
        attempt, began = 0, time.perf_counter()
        while not _enough(samples, ctx.options.repeats, began):
            started = time.perf_counter()
            cursor.execute(readiness_floor_sql(size))
            rows = cursor.fetchall()
            elapsed = time.perf_counter() - started
            conn.commit()
            attempt += 1
            if attempt > WARMUP:
                samples.append(elapsed)
        if len(rows) != ctx.options.groups:
            raise RuntimeError(f"floor query returned {len(rows)} groups, expected {ctx.options.groups}")
        return _timing(samples)
    finally:
        conn.close()


def time_get(client: Client, path: str, repeats: int, *, warmup: int = WARMUP) -> tuple[dict, Reply]:
    """GET `path` `warmup` times, then time it; every answer must be 200."""
    for _ in range(warmup):
        expect(client.request("GET", path), 200, what=f"GET {path}")
    samples: list[float] = []
    began = time.perf_counter()
    while not _enough(samples, repeats, began):
        reply = expect(client.request("GET", path), 200, what=f"GET {path}")
        samples.append(reply.seconds)
    return _timing(samples), reply


def time_rounds(client: Client, paths: list[str], repeats: int) -> tuple[list[dict], list[Reply]]:
    """GET every path once per round (after WARMUP rounds) until each has enough samples."""
    for _ in range(WARMUP):
        for path in paths:
            expect(client.request("GET", path), 200, what=f"GET {path}")
    samples: list[list[float]] = [[] for _ in paths]
    replies: list[Reply] = []
    began = time.perf_counter()
    while not _enough(samples[0], repeats, began):
        replies = [expect(client.request("GET", path), 200, what=f"GET {path}") for path in paths]
        for series, reply in zip(samples, replies, strict=True):
            series.append(reply.seconds)
    return [_timing(series) for series in samples], replies


def _timing(samples: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples)
    return {
        "median_ms": round(statistics.median(ms), 3),
        "min_ms": round(ms[0], 3),
        "max_ms": round(ms[-1], 3),
        "samples": len(ms),
    }


def run(ctx: Context, server: Server) -> None:
    """Readiness at every size, then the dashboard, on a server that has served nothing yet (idle memory)."""
    options, plan, engine = ctx.options, ctx.plan, ctx.engine
    sizes = options.growth_sizes
    paths = [f"/api/v1/waves/{wave.id}/readiness" for wave in plan.readiness_waves]
    idle = server.memory()
    say(engine, f"readiness floors at {', '.join(f'{n:,}' for n in sizes)} rows")
    floors = [time_floor(ctx, size) for size in sizes]
    say(engine, "readiness API, the waves in rounds")
    api = Client(
        server.port, headers={"Authorization": f"Bearer {plan.api_token}", "Accept": "application/json"}
    )
    timings, replies = time_rounds(api, paths, options.repeats)
    api.close()
    stages = [
        {
            "responses": size,
            "wave_id": wave.id,
            "floor": floor,
            "readiness": timing,
            "overall_n": json.loads(reply.body)["overall"]["n"],
        }
        for size, wave, floor, timing, reply in zip(
            sizes, plan.readiness_waves, floors, timings, replies, strict=True
        )
    ]

    say(engine, "dashboard")
    browser = Client(server.port)
    login(browser, email=plan.email, password=plan.password)
    dashboard, page = time_get(
        browser, f"/initiatives/{plan.rollout_id}/dashboard", options.repeats, warmup=1
    )
    browser.close()
    peak = server.memory()
    model = server.model

    full = stages[-1]
    floor_ms = full["floor"]["median_ms"]
    ctx.add(
        figures.at_most(
            f"Readiness API, wave of {full['responses']:,}",
            engine,
            full["readiness"]["median_ms"],
            floor_ms,
            "ms",
            READINESS_GOAL,
            note="median; floor: bare GROUP BY over a plain table of the same rows",
        )
    )
    ctx.add(_memory_figure(engine, idle, peak))
    ctx.add(
        figures.at_most(
            f"Dashboard page, {options.waves} waves, {options.responses:,} responses",
            engine,
            dashboard["median_ms"],
            floor_ms,
            "ms",
            DASHBOARD_GOAL,
            note="median; floor: the readiness floor",
        )
    )
    for stage in stages[:-1]:
        ctx.add(
            figures.info(
                f"Readiness API, wave of {stage['responses']:,}",
                engine,
                stage["readiness"]["median_ms"],
                stage["floor"]["median_ms"],
                "ms",
            )
        )
    first = stages[0]
    ctx.add(
        figures.at_most(
            f"Readiness growth {first['responses']:,} -> {full['responses']:,}",
            engine,
            full["readiness"]["median_ms"],
            first["readiness"]["median_ms"],
            "ms",
            GROWTH_GOAL,
            note="floor: readiness at the smallest size, timed in the same rounds (flat is the goal)",
        )
    )
    ctx.add(
        figures.check(
            "Readiness n equals the rows loaded",
            engine,
            all(s["overall_n"] == s["responses"] for s in stages),
            note=", ".join(f"{s['overall_n']:,}" for s in stages),
        )
    )
    ctx.details["readiness"] = {"paths": paths, "stages": stages}
    ctx.details["dashboard"] = {**dashboard, "page_bytes": len(page.body), "floor_ms": floor_ms}
    ctx.details["memory"] = {"idle_kb": idle, "after_kb": peak, "server_model": model.label}


def _memory_figure(engine: str, idle: dict, peak: dict) -> figures.Figure:
    """The worker that grew most: its peak (VmHWM) against its resident size when idle."""
    growth = {pid: peak[pid]["VmHWM"] - idle[pid]["VmRSS"] for pid in idle if pid in peak}
    if not growth:
        return figures.check("Peak RSS of the serving workers", engine, False, note="workers restarted")
    pid = max(growth, key=growth.__getitem__)
    return figures.limit(
        "Peak RSS of a serving worker (readiness, dashboard)",
        engine,
        peak[pid]["VmHWM"] / 1024,
        idle[pid]["VmRSS"] / 1024,
        "MB",
        MEMORY_ALLOWANCE_MB,
        note="floor: the same worker idle after loading the app",
    )
