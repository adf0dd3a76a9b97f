"""One engine, start to finish: fresh database, schema, seed, bulk data, the benchmarks, the checks, clean-up."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

from adkar import create_app
from adkar.extensions import db
from adkar.migrate import upgrade
from adkar.surveys.definitions import registry

from . import checks, engines, figures, importing, mailing, office, plain, reads, seed, submission
from .context import APP_SPEC, Context
from .datagen import SURVEY_KEY, Layout
from .loader import Loader, rollout_cells, wave_cells
from .options import Options
from .plain import readiness_table
from .progress import say
from .server import Server


def run_engine(name: str, options: Options) -> tuple[list[figures.Figure], dict]:
    """The figures and details of one engine; an engine that cannot run reports why and nothing else."""
    workdir = Path(tempfile.mkdtemp(prefix=f"adkar-bench-{name}-"))
    rng = np.random.default_rng(options.seed)
    target = None
    try:
        target = engines.create(name, options, workdir)
        return _run(target, options, rng, workdir)
    except engines.EngineUnavailable as exc:
        say(name, f"skipped: {exc}")
        return [], {"status": "skipped", "reason": str(exc)}
    except Exception as exc:
        traceback.print_exc()
        return [figures.check("Benchmark run completed", name, False, note=repr(exc)[:200])], {
            "status": "failed",
            "error": traceback.format_exc(),
        }
    finally:
        if target is not None and not options.keep:
            engines.drop(target, options)
        if options.keep:
            say(name, f"kept: {target.url if target else workdir} (server logs in {workdir})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _run(target: engines.Target, options: Options, rng: np.random.Generator, workdir: Path):
    started = time.perf_counter()
    secret_key = secrets.token_urlsafe(48)  # the servers' too, so the suite can sign what pages would
    app = create_app({"SQLALCHEMY_DATABASE_URI": target.url, "SECRET_KEY": secret_key})
    upgrade(app)
    plain.create_tables(target, options.growth_sizes)
    plan = seed.seed(app, options, rng)
    with app.app_context():
        layout = Layout.of(registry.get(SURVEY_KEY))
    ctx = Context(
        options=options,
        target=target,
        app=app,
        plan=plan,
        layout=layout,
        rng=rng,
        workdir=workdir,
        secret_key=secret_key,
    )
    ctx.details.update(
        status="ok",
        url=target.url,
        server_version=target.server_version(),
        settings=target.settings(),
    )

    say(
        target.name,
        f"loading {options.responses:,} responses: {options.waves} waves x {options.groups} groups",
    )
    loader = Loader(target, layout, rng)
    try:
        data = {
            "rollout": loader.load(rollout_cells(plan.rollout_waves, plan.rollout_groups, options.responses))
        }
        say(target.name, f"{data['rollout']['rows']:,} rows in {data['rollout']['seconds']} s")
        for size, wave in zip(options.growth_sizes, plan.readiness_waves, strict=True):
            say(target.name, f"loading the readiness wave of {size:,} responses (and its plain table)")
            cells = wave_cells(wave, plan.scale_groups, size, options.waves)
            data[f"readiness_{size}"] = loader.load(cells, plain_table=readiness_table(size))
        say(target.name, "analyze and checkpoint")
        data["analyze_seconds"] = loader.tidy()
    finally:
        loader.close()
    ctx.details["data"] = data
    chosen = submission.run(ctx)
    say(target.name, f"starting gunicorn {chosen.label} for readiness, dashboard and import")
    with Server(APP_SPEC, chosen, ctx.app_env(), workdir, f"{target.name}-app") as server:
        reads.run(ctx, server)
        importing.run(ctx, server)
        mailing.run(ctx, server)
    office.run(ctx, chosen)  # a server of its own, with the production rate limits
    say(target.name, "checking the tallies against GROUP BY")
    checks.tallies_match(ctx)
    with app.app_context():
        db.engine.dispose()
    ctx.details["seconds"] = round(time.perf_counter() - started, 1)
    return ctx.figures, ctx.details
