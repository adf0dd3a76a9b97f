"""`python -m bench`: run every engine, print the table, write bench/results.json.

Exit status: 0 when every goal is met, 1 when a goal is missed, 2 when an engine could not be measured.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime

from . import figures
from .machine import load_average, machine, versions
from .options import Options, parse
from .runner import run_engine


def _options_dict(options: Options) -> dict:
    found = asdict(options)
    found["models"] = [m.label for m in options.models]
    found["output"] = str(options.output)
    found["growth_sizes"] = list(options.growth_sizes)
    return found


def main(argv: list[str] | None = None) -> None:
    options = parse(argv)
    results: dict = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "options": _options_dict(options),
        "machine": machine(),
        "versions": versions(),
        "engines": {},
        "figures": [],
    }
    print(f"adkar benchmark: {', '.join(options.engines)}; {options.responses:,} responses", flush=True)
    collected: list[figures.Figure] = []
    for engine in options.engines:
        print(f"== {engine} ==", flush=True)
        found, details = run_engine(engine, options)
        results["engines"][engine] = details
        if engine == "postgresql" and details.get("server_version"):
            results["versions"]["postgresql"] = details["server_version"]
        collected += found
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["machine"]["load_average_end"] = load_average()
    results["figures"] = [f.as_dict() for f in collected]
    results["markdown"] = figures.markdown(collected)

    print()
    print(figures.table(collected))
    chosen = {e: d["submission"]["chosen"] for e, d in results["engines"].items() if "submission" in d}
    if chosen:
        print(
            "\nWorker model chosen from the submission runs: "
            + ", ".join(f"{e}: {m}" for e, m in chosen.items())
        )
    m = results["machine"]
    print(f"Machine: {m['cpu_model']}, {m['cores']} cores, {m['memory_gb']} GB; load {m['load_average']}")
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"Results written to {options.output}")

    if any(d.get("status") != "ok" for d in results["engines"].values()):
        sys.exit(2)
    if figures.missed(collected):
        sys.exit(1)
