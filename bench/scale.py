"""`python -m bench.scale`: the exports and the dashboard at a large company's size (issue 22, docs/scale.md).

Exports: a wave of --export-rows responses (1,000,000; 20,000 with --quick) is exported by the worker's own
code (plan_export + write_csv_file / write_xlsx_file) in a forked process, against a floor that reads the
same columns with a bare DBAPI cursor (server-side on PostgreSQL) into csv.writer. Peak memory growth is
the process's high-water mark (VmHWM, reset first) over its resident size before the export.

Dashboard: the server time and bytes of the dashboard page (the view rendered in-process, median of
--repeats) of an initiative of 1,000 groups x 50 waves (200 x 20 with --quick) against one of 10 x 5.

Structure comes from the app's services (bench/seed.py's way); responses are bulk-loaded (bench/loader.py).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import multiprocessing
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from adkar import create_app
from adkar.accounts import services as accounts
from adkar.accounts.models import User
from adkar.elements import ELEMENTS
from adkar.extensions import db
from adkar.migrate import upgrade
from adkar.plan import services as plan
from adkar.plan.models import Initiative
from adkar.surveys.definitions import registry
from adkar.surveys.models import Wave
from adkar.surveys.waves import services as wave_services
from adkar.timeutil import today

from . import engines, figures
from .datagen import SURVEY_KEY, Layout
from .loader import Cell, Loader
from .machine import machine, versions
from .options import DEFAULT_POSTGRES_URL, ENGINES, Options
from .progress import say
from .seed import GROUPS_PER_CALL, PASSWORD, GroupSpec, WaveSpec, group_names

RESULTS = Path(__file__).resolve().parent / "results-scale.json"
EXPORT_GOAL = 0.5  # CSV rate against the bare cursor-to-csv loop
MEMORY_MB = 100.0  # peak memory growth allowed for a CSV or XLSX export
DASHBOARD_TIME_GOAL = 2.0
DASHBOARD_BYTES_GOAL = 3.0
PER_CELL = 6  # responses per group and wave on the dashboards: above k, so every score shows
WAVE_EVERY_DAYS = 7


@dataclass(frozen=True)
class ScaleOptions:
    engines: tuple[str, ...] = ENGINES
    export_rows: int = 1_000_000
    export_groups: int = 40
    xlsx: bool = True
    small: tuple[int, int] = (10, 5)  # groups x waves
    large: tuple[int, int] = (1_000, 50)
    repeats: int = 5
    postgres_url: str = DEFAULT_POSTGRES_URL
    postgres_database: str = "adkar_bench_scale"
    output: Path = RESULTS
    quick: bool = False
    seed: int = 20261207


QUICK = {"export_rows": 20_000, "large": (200, 20), "repeats": 3}


def parse(argv: list[str] | None = None) -> ScaleOptions:
    p = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes (about a minute per engine)")
    p.add_argument("--engines", help=f"comma-separated, from {', '.join(ENGINES)} (default: both)")
    p.add_argument("--export-rows", type=int, help="responses in the exported wave (default 1,000,000)")
    p.add_argument("--no-xlsx", action="store_true", help="skip the XLSX export (the slowest part)")
    p.add_argument("--repeats", type=int, help="timed dashboard renders per size (default 5)")
    p.add_argument("--postgres-url", help=f"server URL without a database (default {DEFAULT_POSTGRES_URL})")
    p.add_argument(
        "--scale-output", type=Path, help="where to write the results (default bench/results-scale.json)"
    )
    args, _ignored = p.parse_known_args(argv)  # `make bench` passes the main suite's BENCH_ARGS too
    options = ScaleOptions()
    if args.quick:
        options = replace(options, quick=True, **QUICK)
    given: dict = {}
    if args.engines:
        chosen = tuple(e.strip() for e in args.engines.split(",") if e.strip())
        if not chosen or any(e not in ENGINES for e in chosen):
            p.error(f"--engines: choose from {', '.join(ENGINES)}")
        given["engines"] = chosen
    for name in ("export_rows", "repeats", "postgres_url"):
        if getattr(args, name) is not None:
            given[name] = getattr(args, name)
    if args.scale_output is not None:
        given["output"] = args.scale_output
    options = replace(options, xlsx=not args.no_xlsx, **given)
    if options.export_rows < options.export_groups * 10 or options.repeats < 1:
        p.error(f"--export-rows must be at least {options.export_groups * 10}; --repeats at least 1")
    return options


def _engine_options(options: ScaleOptions) -> Options:
    return Options(postgres_url=options.postgres_url, postgres_database=options.postgres_database)


def run_engine(name: str, options: ScaleOptions) -> tuple[list[figures.Figure], dict]:
    workdir = Path(tempfile.mkdtemp(prefix=f"adkar-bench-scale-{name}-"))
    target = None
    try:
        target = engines.create(name, _engine_options(options), workdir)
        return _run(target, options, workdir)
    except engines.EngineUnavailable as exc:
        say(name, f"skipped: {exc}")
        return [], {"status": "skipped", "reason": str(exc)}
    except Exception as exc:
        traceback.print_exc()
        return [figures.check("Scale benchmark run completed", name, False, note=repr(exc)[:200])], {
            "status": "failed",
            "error": traceback.format_exc(),
        }
    finally:
        if target is not None:
            engines.drop(target, _engine_options(options))
        shutil.rmtree(workdir, ignore_errors=True)


def _run(target: engines.Target, options: ScaleOptions, workdir: Path):
    rng = np.random.default_rng(options.seed)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": target.url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "EXPORTS_DIR": str(workdir / "exports"),
        }
    )
    upgrade(app)
    with app.app_context():
        layout = Layout.of(registry.get(SURVEY_KEY))
        user = accounts.create_user(
            email="scale@bench.adkar.test", role="practitioner", password=PASSWORD, name="Scale"
        )
        export_wave, export_groups = _initiative(user, "Export", options.export_groups, 1, rng)
        small = _initiative(user, "Small", *options.small, rng)
        large = _initiative(user, "Large", *options.large, rng)
        user_id = user.id
        db.session.remove()
    say(target.name, f"loading {options.export_rows:,} responses for the export")
    loader = Loader(target, layout, rng)
    try:
        weights = [g.weight for g in export_groups]
        per_group = np.floor(np.array(weights) / sum(weights) * options.export_rows).astype(int)
        per_group[0] += options.export_rows - int(per_group.sum())
        loaded = {
            "export": loader.load(
                Cell(export_wave[0], g, int(n), 1) for g, n in zip(export_groups, per_group, strict=True)
            )
        }
        for label, (waves, groups) in (("small", small), ("large", large)):
            say(target.name, f"loading the {label} dashboard: {len(groups):,} groups x {len(waves)} waves")
            loaded[label] = loader.load(Cell(w, g, PER_CELL, len(waves)) for w in waves for g in groups)
        loaded["analyze_seconds"] = loader.tidy()
    finally:
        loader.close()

    found: list[figures.Figure] = []
    details: dict = {"status": "ok", "data": loaded, "server_version": target.server_version()}
    found += _exports(app, target, export_wave[0].id, options, workdir, details)
    found += _dashboards(app, target.name, user_id, small, large, options, details)
    with app.app_context():
        db.engine.dispose()
    return found, details


def _initiative(user: User, label: str, groups: int, waves: int, rng: np.random.Generator):
    """An initiative of `groups` groups and `waves` weekly waves made by the app's services."""
    day = today()
    initiative = plan.create_initiative(
        owner=user,
        name=f"{label}: {groups:,} groups x {waves} waves (benchmark)",
        approach="sequential",
        go_live=day + timedelta(days=30),
        description="",
    )
    rows = [{"name": n, "headcount": 100, "description": ""} for n in group_names(groups)]
    made = []
    for start in range(0, len(rows), GROUPS_PER_CALL):
        made += plan.create_groups(
            initiative=initiative, actor=user, rows=rows[start : start + GROUPS_PER_CALL]
        )
    weights = rng.lognormal(0.0, 0.6, size=groups)
    specs = [
        GroupSpec(g.id, float(w), float(rng.uniform(0.45, 1.0)), int(rng.integers(0, 5)), 0.8)
        for g, w in zip(made, weights, strict=True)
    ]
    wave_specs = []
    for index in range(waves):
        closes = day - timedelta(days=(waves - 1 - index) * WAVE_EVERY_DAYS)
        opens = closes - timedelta(days=WAVE_EVERY_DAYS - 1)
        wave = wave_services.create_wave(
            initiative=initiative,
            actor=user,
            name=f"Wave {index + 1}",
            survey_key=SURVEY_KEY,
            opens_on=opens,
            closes_on=closes,
            group_ids=[g.id for g in made],
        )
        days = tuple((opens + timedelta(days=i)).isoformat() for i in range(WAVE_EVERY_DAYS))
        wave_specs.append(WaveSpec(wave.id, index, days))
    return wave_specs, specs


# ---------- exports ----------


def _memory_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS


def _measured(work, queue) -> None:
    """In the forked child: run `work`, report seconds, its result and the peak growth over the start."""
    try:
        _reset_peak()
        before = _memory_kb("VmRSS")
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
        queue.put({"seconds": seconds, "result": result, "growth_mb": (_memory_kb("VmHWM") - before) / 1024})
    except Exception:
        queue.put({"error": traceback.format_exc()})


def _in_child(work) -> dict:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_measured, args=(work, queue))
    process.start()
    found = queue.get()
    process.join()
    if "error" in found:
        raise RuntimeError(found["error"])
    return found


def _floor(target: engines.Target, wave_id: int, path: Path) -> int:
    """The bare loop: the export's columns from a DBAPI cursor straight into csv.writer."""
    columns = ", ".join(["group_id", "answers", *(f"score_{e}" for e in ELEMENTS), "barrier", "comment"])
    sql = f"SELECT {columns} FROM responses WHERE wave_id = {target.placeholder} ORDER BY id"
    conn = target.connect()
    try:
        cursor = conn.cursor() if target.is_sqlite else conn.cursor(name="bench_floor")
        if not target.is_sqlite:
            cursor.itersize = 2_000
        cursor.execute(sql, (wave_id,))
        rows = 0
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            for row in cursor:
                writer.writerow(row)
                rows += 1
        return rows
    finally:
        conn.close()


def _exports(app, target, wave_id: int, options: ScaleOptions, workdir: Path, details: dict):
    from adkar.config import min_group_size
    from adkar.surveys.responses import exports

    def app_export(fmt: str):
        def work() -> int:
            with app.app_context():
                db.engine.dispose(close=False)  # the parent's pooled connections are not the child's
                wave = db.session.get(Wave, wave_id)
                export = exports.plan_export(wave, registry.get(wave.survey_key), k=min_group_size())
                db.session.rollback()
                write = exports.write_csv_file if fmt == "csv" else exports.write_xlsx_file
                with (workdir / f"app.{fmt}").open("wb") as handle:
                    return write(export, handle)

        return work

    rows = options.export_rows
    say(target.name, f"export of {rows:,} responses: floor, CSV{', XLSX' if options.xlsx else ''}")
    floor = _in_child(lambda: _floor(target, wave_id, workdir / "floor.csv"))
    csv_run = _in_child(app_export("csv"))
    found = [
        figures.at_least(
            f"Export CSV, {rows:,} responses",
            target.name,
            csv_run["result"] / csv_run["seconds"],
            floor["result"] / floor["seconds"],
            "rows/s",
            EXPORT_GOAL,
            note="floor: bare cursor-to-csv loop over the same columns",
        ),
        figures.limit(
            f"Export CSV peak memory growth, {rows:,} responses",
            target.name,
            csv_run["growth_mb"],
            0.0,
            "MB",
            MEMORY_MB,
            note=f"floor loop: {floor['growth_mb']:.0f} MB",
        ),
        figures.check(
            "Export CSV wrote every row", target.name, csv_run["result"] == floor["result"] == rows
        ),
    ]
    details["export"] = {"floor": floor, "csv": csv_run}
    if options.xlsx:
        xlsx_run = _in_child(app_export("xlsx"))
        details["export"]["xlsx"] = xlsx_run
        found += [
            figures.info(
                f"Export XLSX, {rows:,} responses",
                target.name,
                xlsx_run["result"] / xlsx_run["seconds"],
                floor["result"] / floor["seconds"],
                "rows/s",
                note=f"{xlsx_run['seconds']:.0f} s",
            ),
            figures.limit(
                f"Export XLSX peak memory growth, {rows:,} responses",
                target.name,
                xlsx_run["growth_mb"],
                0.0,
                "MB",
                MEMORY_MB,
            ),
        ]
    return found


# ---------- dashboards ----------


def _render(app, user_id: int, initiative_id: int) -> tuple[float, int]:
    from flask_login import login_user

    from adkar.dashboard import views

    with app.test_request_context(f"/initiatives/{initiative_id}/dashboard"):
        login_user(db.session.get(User, user_id))
        started = time.perf_counter()
        page, status = views.show(initiative_id)
        seconds = time.perf_counter() - started
        assert status == 200
        body = len(page.encode("utf-8"))
        db.session.remove()
        return seconds, body


def _dashboards(app, engine: str, user_id: int, small, large, options: ScaleOptions, details: dict):
    measured = {}
    for label, (waves, groups) in (("small", small), ("large", large)):
        with app.app_context():
            initiative_id = db.session.get(Wave, waves[0].id).initiative_id
            assert db.session.get(Initiative, initiative_id) is not None
            db.session.remove()
            _render(app, user_id, initiative_id)  # warm: templates compiled, plotly imported
            runs = [_render(app, user_id, initiative_id) for _ in range(options.repeats)]
        measured[label] = {
            "groups": len(groups),
            "waves": len(waves),
            "ms": statistics.median(r[0] for r in runs) * 1000,
            "bytes": statistics.median(r[1] for r in runs),
        }
    details["dashboard"] = measured
    s, big = measured["small"], measured["large"]
    size = f"{big['groups']:,} groups x {big['waves']} waves vs {s['groups']} x {s['waves']}"
    return [
        figures.at_most(
            f"Dashboard server time, {size}", engine, big["ms"], s["ms"], "ms", DASHBOARD_TIME_GOAL
        ),
        figures.at_most(
            f"Dashboard bytes, {size}",
            engine,
            big["bytes"] / 1024,
            s["bytes"] / 1024,
            "kB",
            DASHBOARD_BYTES_GOAL,
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    options = parse(argv)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    print(
        f"adkar scale benchmark: {', '.join(options.engines)}; {options.export_rows:,} export rows",
        flush=True,
    )
    collected: list[figures.Figure] = []
    engines_found: dict = {}
    for engine in options.engines:
        print(f"== {engine} ==", flush=True)
        found, detail = run_engine(engine, options)
        engines_found[engine] = detail
        collected += found
    print()
    print(figures.table(collected))
    results = {
        "started_at": started,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "options": {**options.__dict__, "output": str(options.output)},
        "machine": machine(),
        "versions": versions(),
        "engines": engines_found,
        "figures": [f.as_dict() for f in collected],
        "markdown": figures.markdown(collected),
    }
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"Results written to {options.output}")
    if any(d.get("status") != "ok" for d in engines_found.values()):
        sys.exit(2)
    if figures.missed(collected):
        sys.exit(1)


if __name__ == "__main__":
    main()
