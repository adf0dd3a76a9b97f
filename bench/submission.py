"""Benchmark 1: respondents posting personal-link forms to gunicorn, against a bare one-insert Flask app.

Both servers run side by side and are loaded in turn, a few rounds each, so a change in the machine's
speed during the run weighs on both. Each thread first opens one form (GET /s/<token>), as the browser
does; the other links' forms carry the nonce their pages would, signed by the app with the servers' key.
The timed part is the POST of the answers, each to a fresh single-use link, through the one write path
(held, sealed, then published k at a time by a queue worker running beside the server, as in production,
on the same two cores). Afterwards the used links and the received answers (held or
published) must each have grown by exactly the number of 303 replies, and the tallies by the published ones.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from adkar.accounts.models import User
from adkar.extensions import db
from adkar.surveys.invitations.services import MAX_BATCH, issue_links
from adkar.surveys.models import Wave
from adkar.surveys.respond import services as respondent

from . import figures, load
from .context import APP_SPEC, FLOOR_SPEC, Context
from .datagen import answer_sets, respondents, split
from .httpclient import Client, expect, form_nonce
from .options import ServerModel
from .progress import say
from .server import QueueWorker, Server

THROUGHPUT_GOAL = 0.6  # issue 15: the single write path, clarity over the last 0.1x
P99_GOAL = 4.0
FLOOR_ITEMS_PER_THREAD = 50_000  # the floor needs no tokens; its requests reuse a few bodies


def issue_tokens(ctx: Context, count: int) -> list[str]:
    """`count` fresh personal links of the submissions wave, spread over its groups (issue_links)."""
    tokens: list[str] = []
    groups = ctx.plan.scale_groups
    with ctx.app.app_context():
        try:
            wave = db.session.get(Wave, ctx.plan.submit_wave.id)
            user = db.session.get(User, ctx.plan.user_id)
            for group, share in zip(groups, split(count, [g.weight for g in groups]), strict=True):
                for start in range(0, share, MAX_BATCH):
                    tokens += issue_links(
                        wave=wave, group_id=group.id, count=min(MAX_BATCH, share - start), actor=user
                    )
        finally:
            db.session.remove()
    ctx.rng.shuffle(tokens)
    return tokens


def counts(ctx: Context) -> dict[str, int]:
    """What a stored submission adds to: held answers or published responses, used links, the tally's n."""
    wave_id, p = ctx.plan.submit_wave.id, ctx.target.placeholder
    queries = {
        "responses": (f"SELECT COUNT(*) FROM responses WHERE wave_id = {p}", (wave_id,)),
        "held": (f"SELECT COUNT(*) FROM held_answers WHERE wave_id = {p}", (wave_id,)),
        "used_links": (
            f"SELECT COUNT(*) FROM invitations WHERE wave_id = {p} AND used = {p}",
            (wave_id, True),
        ),
        "tally_n": (f"SELECT COALESCE(SUM(n), 0) FROM wave_groups WHERE wave_id = {p}", (wave_id,)),
        "floor_rows": ("SELECT COUNT(*) FROM bench_floor_submissions", ()),
    }
    conn = ctx.target.connect()
    try:
        cursor = conn.cursor()
        found = {}
        for name, (sql, params) in queries.items():
            cursor.execute(sql, params)
            found[name] = int(cursor.fetchone()[0])
        return found
    finally:
        conn.close()


def _answers(ctx: Context, count: int) -> list[dict]:
    """Plausible answer sets, drawn in the calling thread (the generator is not thread-safe)."""
    return answer_sets(respondents(ctx.rng, count, level=0.7, lagging=3, layout=ctx.layout), ctx.layout)


def _body(answers: dict, nonce: str) -> bytes:
    return urlencode({"nonce": nonce, "lang": "en", **answers}).encode()


def form_nonces(ctx: Context, tokens: list[str]) -> dict[str, str]:
    """The nonce each link's page carries, signed by the app itself with the servers' secret key, so the
    timed run posts forms as a browser would without fetching thousands of pages first."""
    with ctx.app.app_context():
        try:
            return {token: respondent.issue_nonce(respondent.resolve_personal(token)) for token in tokens}
        finally:
            db.session.remove()


def _app_rounds(ctx: Context, rounds: int):
    """The links for every round, issued up front (--tokens-per-run), and a `prepare` for each round:
    thread i of round r posts its share of round r's links."""
    options = ctx.options
    tokens = issue_tokens(ctx, options.tokens_per_run)
    answers = _answers(ctx, len(tokens))
    nonces = form_nonces(ctx, tokens)
    pairs = list(zip(tokens, answers, strict=True))
    preparers = []
    for r in range(rounds):
        mine = pairs[r::rounds]
        per_thread = [mine[i :: options.concurrency] for i in range(options.concurrency)]

        def prepare(index: int, client: Client, per_thread=per_thread) -> list[tuple[str, bytes]]:
            links = per_thread[index]
            form = expect(client.request("GET", f"/s/{links[0][0]}"), 200, what="GET the respondent form")
            first = form_nonce(form)  # the page's own, for the first link; the rest signed alike
            return [
                (f"/s/{token}", _body(answer, first if i == 0 else nonces[token]))
                for i, (token, answer) in enumerate(links)
            ]

        preparers.append(prepare)
    return len(tokens), preparers


def _floor_prepare(ctx: Context):
    dummy_nonce = "x" * 80  # about the length of the app's nonce: bodies of the same size
    bodies = [_body(answers, dummy_nonce) for answers in _answers(ctx, 64)]

    def prepare(index: int, client: Client) -> list[tuple[str, bytes]]:
        mine = [("/submit", body) for body in bodies]
        return mine * (FLOOR_ITEMS_PER_THREAD // len(mine))

    return prepare


def measure(ctx: Context, model: ServerModel) -> tuple[dict, dict]:
    """Floor and app served side by side under one worker model, loaded in turn for --rounds rounds of
    duration / rounds seconds each, so a drift in the machine's speed during the run weighs on both.
    Returns the app's and the floor's summaries, each over all of its rounds."""
    options = ctx.options
    rounds = options.rounds
    seconds = options.duration / rounds
    issued, app_preparers = _app_rounds(ctx, rounds)
    floor_prepare = _floor_prepare(ctx)
    before = counts(ctx)
    app_runs: list[load.LoadResult] = []
    floor_runs: list[load.LoadResult] = []
    with (
        Server(FLOOR_SPEC, model, ctx.floor_env(), ctx.workdir, f"{ctx.engine}-floor") as floor_server,
        Server(APP_SPEC, model, ctx.app_env(), ctx.workdir, f"{ctx.engine}-app") as app_server,
        QueueWorker(ctx.app_env(), ctx.workdir, f"{ctx.engine}-{model.label.replace(':', '-')}"),
    ):
        for prepare in app_preparers:
            for server, runs, prepared in (
                (floor_server, floor_runs, floor_prepare),
                (app_server, app_runs, prepare),
            ):
                runs.append(
                    load.run(
                        server.port,
                        concurrency=options.concurrency,
                        duration=seconds,
                        prepare=prepared,
                        ok_status=303,
                    )
                )
                time.sleep(0.5)
    after = counts(ctx)
    app, floor = load.LoadResult.combine(app_runs), load.LoadResult.combine(floor_runs)
    grown = {name: after[name] - before[name] for name in before}
    stored = grown["responses"] + grown["held"]
    integrity = {
        **{name: value for name, value in grown.items() if name != "floor_rows"},
        "received": stored,
        "successes": app.successes,
        "lost": max(0, app.successes - stored),
        "stored_without_success": max(0, stored - app.successes),
        "consistent": stored == grown["used_links"] and grown["responses"] == grown["tally_n"],
    }
    return (
        {
            "load": app,
            "integrity": integrity,
            "tokens": issued,
            "boot_seconds": app_server.boot_seconds,
            "rounds": [round(r.throughput, 1) for r in app_runs],
        },
        {
            "load": floor,
            "integrity": {"stored": grown["floor_rows"], "successes": floor.successes},
            "boot_seconds": floor_server.boot_seconds,
            "rounds": [round(r.throughput, 1) for r in floor_runs],
        },
    )


def compare(ctx: Context, model: ServerModel) -> dict:
    """Floor and app under the same worker model (measure); returns both summaries and the figures."""
    app, floor = measure(ctx, model)
    a, f = app["load"], floor["load"]
    integrity = app["integrity"]
    name = f"Submission [{model.label}]"
    found = [
        figures.at_least(
            f"{name} throughput", ctx.engine, a.throughput, f.throughput, "req/s", THROUGHPUT_GOAL
        ),
        figures.at_most(
            f"{name} p99 latency",
            ctx.engine,
            a.percentile_ms(99),
            f.percentile_ms(99),
            "ms",
            P99_GOAL,
            strict=True,
        ),
        figures.zero(f"{name} errors", ctx.engine, a.errors, note=_error_note(a)),
        figures.zero(
            f"{name} lost or duplicated",
            ctx.engine,
            integrity["lost"] + integrity["stored_without_success"] + (0 if integrity["consistent"] else 1),
            note=(
                f"received {integrity['received']:,} ({integrity['responses']:,} published, "
                f"{integrity['held']:,} held) for {integrity['successes']:,} replies 303"
            ),
        ),
    ]
    if a.exhausted:
        found[0] = figures.Figure(**{**found[0].as_dict(), "note": f"{a.exhausted} threads ran out of links"})
    return {
        "model": model.label,
        "app": {
            **a.summary(),
            "integrity": integrity,
            "tokens_issued": app["tokens"],
            "boot_seconds": app["boot_seconds"],
            "rounds_rps": app["rounds"],
        },
        "floor": {
            **f.summary(),
            "integrity": floor["integrity"],
            "boot_seconds": floor["boot_seconds"],
            "rounds_rps": floor["rounds"],
        },
        "figures": found,
        "goals_met": sum(bool(x.passed) for x in found),
        "throughput": a.throughput,
    }


def _error_note(result: load.LoadResult) -> str:
    odd = {s: n for s, n in result.statuses.items() if s != result.ok_status}
    parts = [f"HTTP {s}: {n}" for s, n in sorted(odd.items())] + [
        f"{k}: {n}" for k, n in result.failures.items()
    ]
    return ", ".join(parts)


def run(ctx: Context) -> ServerModel:
    """Compare every worker model; keep the figures and return the model chosen for the other benchmarks.

    The choice: the model meeting the most submission goals; among those, the highest app throughput. The
    goals are the chosen model's; the others' figures are shown as what the choice was made from.
    """
    results = []
    for model in ctx.options.models:
        say(ctx.engine, f"submissions with gunicorn {model.label}")
        outcome = compare(ctx, model)
        say(
            ctx.engine,
            f"  app {outcome['app']['throughput_rps']} req/s p99 {outcome['app']['p99_ms']} ms; "
            f"floor {outcome['floor']['throughput_rps']} req/s p99 {outcome['floor']['p99_ms']} ms",
        )
        results.append((model, outcome))
    chosen = max(results, key=lambda pair: (pair[1]["goals_met"], pair[1]["throughput"]))[0]
    for model, outcome in results:
        marker = " (chosen)" if model == chosen else ""
        for figure in outcome.pop("figures"):
            name = figure.benchmark.replace("]", f"]{marker}", 1)
            ctx.add(figures.Figure(**{**figure.as_dict(), "benchmark": name, "counted": model == chosen}))
    ctx.details["submission"] = {"models": {m.label: o for m, o in results}, "chosen": chosen.label}
    return chosen
