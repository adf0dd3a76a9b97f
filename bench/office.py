"""Benchmark 6: an office behind one address: `--office` respondents (300) open and answer their personal
links within a minute, every one stored, none refused.

Colleagues behind one proxy or NAT reach the app from one address, as every request of the suite does
(127.0.0.1). The app is served with the production rate limits (unlike the other benchmarks, nothing is
raised): the survey links allow TOKEN_RATE_LIMIT (30 a minute) *failures* per address, and a real link
never counts (adkar/surveys/respond/limits.py). Each respondent GETs the form of a fresh personal link
and POSTs it answered with that page's nonce, from --concurrency connections, as fast as the server takes
them: a harder case for a per-minute window than an office spread over the minute. Goals: every GET 200
and POST 303 (zero 429), and the wave grew by exactly that many used links and received answers (held
until k of a group arrive, then published). Then guessing from the same address must still be refused:
TOKEN_RATE_LIMIT x workers + 1 unknown links (memory storage counts per worker) meet at least one 429.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from urllib.parse import urlencode

from limits import parse

from . import figures
from .context import APP_SPEC, RAISED_KEYS, Context
from .datagen import answer_sets, respondents
from .httpclient import Client, form_nonce
from .load import FORM
from .options import ServerModel
from .progress import say
from .server import Server
from .submission import counts, issue_tokens


def _respond(port: int, links: list[tuple[str, dict]], statuses: Counter, lock: threading.Lock) -> None:
    """One connection's share: each link's form fetched, then posted back answered."""
    client, seen = Client(port), Counter()
    try:
        for token, answers in links:
            page = client.request("GET", f"/s/{token}")
            seen[f"GET {page.status}"] += 1
            if page.status != 200:
                continue
            body = urlencode({"nonce": form_nonce(page), "lang": "en", **answers}).encode()
            seen[f"POST {client.request('POST', f'/s/{token}', body, FORM).status}"] += 1
    finally:
        client.close()
        with lock:
            statuses.update(seen)


def _office(ctx: Context, port: int, count: int) -> tuple[Counter, float]:
    tokens = issue_tokens(ctx, count)
    people = respondents(ctx.rng, count, level=0.7, lagging=2, layout=ctx.layout)
    links = list(zip(tokens, answer_sets(people, ctx.layout), strict=True))
    threads_n = min(ctx.options.concurrency, count)
    statuses: Counter = Counter()
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=_respond, args=(port, links[i::threads_n], statuses, lock), name=f"office-{i}"
        )
        for i in range(threads_n)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, time.perf_counter() - started


def _guesses(port: int, count: int) -> Counter:
    client, seen = Client(port), Counter()
    try:
        for i in range(count):
            seen[client.request("GET", f"/s/office-bench-guess-{i}").status] += 1
    finally:
        client.close()
    return seen


def run(ctx: Context, model: ServerModel) -> None:
    count = ctx.options.office
    env = {k: v for k, v in ctx.app_env().items() if k not in RAISED_KEYS}  # production limits
    say(ctx.engine, f"office: {count} respondents behind one address, gunicorn {model.label}")
    before = counts(ctx)
    with Server(APP_SPEC, model, env, ctx.workdir, f"{ctx.engine}-office") as server:
        statuses, seconds = _office(ctx, server.port, count)
        after = counts(ctx)
        failures_allowed = parse(ctx.app.config["TOKEN_RATE_LIMIT"]).amount
        guessed = failures_allowed * model.workers + 1
        guesses = _guesses(server.port, guessed)
    used = after["used_links"] - before["used_links"]
    received = (after["held"] + after["responses"]) - (before["held"] + before["responses"])
    refused = statuses["GET 429"] + statuses["POST 429"]
    answered = statuses["POST 303"]
    all_stored = statuses["GET 200"] == answered == used == received == count
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
    say(ctx.engine, f"  {shown} in {seconds:.1f} s; links used +{used}, answers received +{received}")
    name = f"Office: {count} respondents behind one address"
    ctx.add(
        figures.zero(f"{name}, refused (429)", ctx.engine, refused, note=f"{shown} in {seconds:.1f} s"),
        figures.check(
            f"{name}, all stored",
            ctx.engine,
            all_stored,
            note=f"{answered} replies 303, links used +{used}, answers received +{received}",
        ),
        figures.info(f"{name}, respondents (GET + POST) a second", ctx.engine, count / seconds, None, "/s"),
        figures.check(
            "Office: guessing from the same address still refused",
            ctx.engine,
            guesses[429] > 0 and set(guesses) <= {404, 429},
            note=f"{guessed} unknown links: {guesses[404]} answered 404, {guesses[429]} refused",
        ),
    )
    ctx.details["office"] = {
        "respondents": count,
        "model": model.label,
        "seconds": round(seconds, 2),
        "statuses": dict(statuses),
        "used_links": used,
        "received": received,
        "guesses": {str(k): v for k, v in guesses.items()},
    }
