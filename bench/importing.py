"""Benchmark 4: responses imported through the API in batches, against a bare executemany of the same rows.

The floor inserts ready-made rows (ids, scores and barrier computed beforehand) into a plain table with the
responses' columns, one transaction per batch; the app receives the answers as JSON, validates and scores
every row, stores it, updates the tally and writes the audit event. Both send the batches one after another.
"""

from __future__ import annotations

import json
import time

from . import figures
from .context import Context
from .datagen import answer_sets, respondents, response_rows
from .httpclient import Client, expect
from .plain import IMPORT_COLUMNS
from .progress import say
from .server import Server

GOAL = 0.5


def _batches(ctx: Context) -> list[tuple[bytes, list[tuple]]]:
    """(API request body, floor rows) per batch: the same people both ways, groups taken in turn."""
    options, plan = ctx.options, ctx.plan
    batches = []
    for index in range(options.import_rows // options.import_batch):
        group = plan.scale_groups[index % len(plan.scale_groups)]
        people = respondents(
            ctx.rng, options.import_batch, level=0.6, lagging=group.lagging, layout=ctx.layout
        )
        body = {"group_id": group.id, "responses": [{"answers": a} for a in answer_sets(people, ctx.layout)]}
        rows = response_rows(
            people,
            wave_id=plan.import_wave.id,
            group_id=group.id,
            days=plan.import_wave.days,
            rng=ctx.rng,
            layout=ctx.layout,
        )
        batches.append((json.dumps(body).encode(), rows))
    return batches


def _floor(ctx: Context, batches: list[tuple[bytes, list[tuple]]]) -> float:
    marks = ", ".join([ctx.target.placeholder] * len(IMPORT_COLUMNS.split(",")))
    sql = f"INSERT INTO bench_import_plain ({IMPORT_COLUMNS}) VALUES ({marks})"
    conn = ctx.target.connect()
    try:
        started = time.perf_counter()
        for _, rows in batches:
            cursor = conn.cursor()
            cursor.executemany(sql, rows)
            conn.commit()
        return time.perf_counter() - started
    finally:
        conn.close()


def _stored(ctx: Context) -> dict[str, int]:
    p = ctx.target.placeholder
    conn = ctx.target.connect()
    try:
        cursor = conn.cursor()
        cursor.execute(f"SELECT COUNT(*) FROM responses WHERE wave_id = {p}", (ctx.plan.import_wave.id,))
        responses = int(cursor.fetchone()[0])
        cursor.execute(
            f"SELECT COALESCE(SUM(n), 0) FROM wave_groups WHERE wave_id = {p}", (ctx.plan.import_wave.id,)
        )
        return {"responses": responses, "tally_n": int(cursor.fetchone()[0])}
    finally:
        conn.close()


def run(ctx: Context, server: Server) -> None:
    options = ctx.options
    say(ctx.engine, f"import of {options.import_rows:,} responses")
    batches = _batches(ctx)
    rows = len(batches) * options.import_batch
    floor_seconds = _floor(ctx, batches)
    path = f"/api/v1/waves/{ctx.plan.import_wave.id}/responses"
    headers = {"Authorization": f"Bearer {ctx.plan.api_token}", "Content-Type": "application/json"}
    client = Client(server.port, headers=headers)
    started = time.perf_counter()
    for body, _ in batches:
        expect(client.request("POST", path, body), 201, what=f"POST {path}")
    app_seconds = time.perf_counter() - started
    client.close()
    memory = server.memory()
    stored = _stored(ctx)
    ctx.add(
        figures.at_least(
            f"Import API, {rows:,} responses in batches of {options.import_batch:,}",
            ctx.engine,
            rows / app_seconds,
            rows / floor_seconds,
            "rows/s",
            GOAL,
            note="floor: executemany of the same rows into a plain table",
        ),
        figures.check(
            "Import stored every row once",
            ctx.engine,
            stored["responses"] == stored["tally_n"] == rows,
            note=f"{stored['responses']:,} rows, tally n {stored['tally_n']:,}",
        ),
    )
    ctx.details["import"] = {
        "rows": rows,
        "batch": options.import_batch,
        "app_seconds": round(app_seconds, 3),
        "floor_seconds": round(floor_seconds, 3),
        "stored": stored,
        "worker_memory_kb": memory,
    }
