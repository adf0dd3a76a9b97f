"""What one run measures and at what size: parsed from the command line (`BENCH_ARGS` in `make bench`)."""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, replace
from pathlib import Path

ENGINES = ("sqlite", "postgresql")
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/"
RESULTS = Path(__file__).resolve().parent / "results.json"
_MODEL = re.compile(r"^(sync|gthread):(\d+)(?:x(\d+))?$")


@dataclass(frozen=True)
class ServerModel:
    """A gunicorn worker model: `sync:4` is four sync workers, `gthread:2x4` two workers of four threads."""

    worker_class: str
    workers: int
    threads: int = 1

    @classmethod
    def parse(cls, text: str) -> ServerModel:
        match = _MODEL.match(text.strip())
        if not match:
            raise argparse.ArgumentTypeError(f"{text!r}: expected sync:N or gthread:NxT")
        kind, workers, threads = match.group(1), int(match.group(2)), int(match.group(3) or 1)
        if kind == "sync" and threads != 1:
            raise argparse.ArgumentTypeError(f"{text!r}: sync workers have one thread each")
        if workers < 1 or threads < 1:
            raise argparse.ArgumentTypeError(f"{text!r}: workers and threads must be at least 1")
        return cls(kind, workers, threads)

    @property
    def label(self) -> str:
        if self.worker_class == "sync":
            return f"sync:{self.workers}"
        return f"gthread:{self.workers}x{self.threads}"

    def gunicorn_args(self) -> list[str]:
        args = ["--worker-class", self.worker_class, "--workers", str(self.workers)]
        if self.worker_class == "gthread":
            args += ["--threads", str(self.threads)]
        return args


DEFAULT_MODELS = (ServerModel("sync", 2), ServerModel("sync", 4), ServerModel("gthread", 2, 4))


@dataclass(frozen=True)
class Options:
    responses: int = 1_000_000
    engines: tuple[str, ...] = ENGINES
    groups: int = 50
    waves: int = 12
    duration: float = 15.0
    rounds: int = 3
    concurrency: int = 16
    tokens_per_run: int = 20_000
    repeats: int = 25
    import_rows: int = 100_000
    import_batch: int = 5_000
    office: int = 300
    models: tuple[ServerModel, ...] = DEFAULT_MODELS
    postgres_url: str = DEFAULT_POSTGRES_URL
    postgres_database: str = "adkar_bench"
    output: Path = RESULTS
    keep: bool = False
    quick: bool = False
    seed: int = 20261122

    @property
    def growth_sizes(self) -> tuple[int, ...]:
        """Readiness is timed on one wave as it grows: 1%, 10% and 100% of --responses."""
        return tuple(
            sorted({max(self.groups * 10, self.responses // 100), self.responses // 10, self.responses})
        )


QUICK = {
    "responses": 20_000,
    "duration": 4.0,
    "rounds": 2,
    "tokens_per_run": 5_000,
    "repeats": 7,
    "import_rows": 10_000,
    "import_batch": 2_500,
    "models": (ServerModel("sync", 2), ServerModel("gthread", 2, 4)),
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="adkar's performance suite: each figure is a ratio against a floor measured in the same run.",
    )
    p.add_argument(
        "--responses", type=int, help="responses in the dashboard initiative and the readiness wave"
    )
    p.add_argument("--engines", help=f"comma-separated, from {', '.join(ENGINES)} (default: both)")
    p.add_argument("--duration", type=float, help="seconds of load per submission run (default 15)")
    p.add_argument("--rounds", type=int, help="turns the floor and app take within --duration (default 3)")
    p.add_argument("--concurrency", type=int, help="concurrent connections for submissions (default 16)")
    p.add_argument("--tokens-per-run", type=int, help="personal links issued before each submission run")
    p.add_argument("--repeats", type=int, help="timed requests per read benchmark (default 25)")
    p.add_argument("--import-rows", type=int, help="responses imported through the API (default 100,000)")
    p.add_argument("--import-batch", type=int, help="responses per import request (default 5,000)")
    p.add_argument(
        "--office", type=int, help="respondents behind one address in the office benchmark (default 300)"
    )
    p.add_argument(
        "--models",
        help="gunicorn worker models to compare, e.g. sync:2,sync:4,gthread:2x4 (the default)",
    )
    p.add_argument("--postgres-url", help=f"server URL without a database (default {DEFAULT_POSTGRES_URL})")
    p.add_argument(
        "--postgres-database", help="database created and dropped by the run (default adkar_bench)"
    )
    p.add_argument("--output", type=Path, help="where to write the results (default bench/results.json)")
    p.add_argument("--keep", action="store_true", help="keep the benchmark databases afterwards")
    p.add_argument("--quick", action="store_true", help="a small smoke run (about a minute per engine)")
    return p


def parse(argv: list[str] | None = None) -> Options:
    args = parser().parse_args(argv)
    options = Options()
    if args.quick:
        options = replace(options, quick=True, **QUICK)
    given = {
        name: getattr(args, name)
        for name in (
            "responses",
            "duration",
            "rounds",
            "concurrency",
            "tokens_per_run",
            "repeats",
            "import_rows",
            "import_batch",
            "office",
            "postgres_url",
            "postgres_database",
            "output",
        )
        if getattr(args, name) is not None
    }
    if args.engines:
        engines = tuple(e.strip() for e in args.engines.split(",") if e.strip())
        unknown = [e for e in engines if e not in ENGINES]
        if unknown or not engines:
            parser().error(f"--engines: choose from {', '.join(ENGINES)}")
        given["engines"] = engines
    if args.models:
        try:
            given["models"] = tuple(ServerModel.parse(m) for m in args.models.split(",") if m.strip())
        except argparse.ArgumentTypeError as exc:
            parser().error(f"--models: {exc}")
    options = replace(options, keep=args.keep, **given)
    _check(options)
    return options


def _check(options: Options) -> None:
    problems = []
    if options.responses < options.groups * options.waves * 10:
        problems.append(f"--responses must be at least {options.groups * options.waves * 10:,}")
    if options.duration <= 0 or options.concurrency < 1 or options.repeats < 1 or options.rounds < 1:
        problems.append("--duration, --rounds, --concurrency and --repeats must be positive")
    if options.tokens_per_run < options.rounds * options.concurrency:
        problems.append("--tokens-per-run must give every thread of every round a link")
    if not 1 <= options.import_batch <= 10_000 or options.import_rows < options.import_batch:
        problems.append("--import-batch must be 1..10,000 and no larger than --import-rows")
    if options.office < 1:
        problems.append("--office must be at least 1")
    if not options.models:
        problems.append("--models: give at least one worker model")
    if not options.postgres_database.replace("_", "").isalnum():
        problems.append("--postgres-database: letters, digits and underscores only")
    if problems:
        parser().error("; ".join(problems))
