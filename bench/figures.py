"""Figures (measured, floor, ratio, goal, pass/fail) and the table printed at the end of a run."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    benchmark: str
    engine: str
    measured: float | None
    floor: float | None
    unit: str
    goal: str
    ratio: float | None
    passed: bool | None  # None: shown for information, no goal
    note: str = ""
    # False: measured to make a choice (a worker model not chosen), not a goal of the run.
    counted: bool = True

    def as_dict(self) -> dict:
        return asdict(self)


def _ratio(measured: float, floor: float) -> float | None:
    if not floor or math.isnan(floor) or math.isnan(measured):
        return None
    return measured / floor


def at_least(
    benchmark: str, engine: str, measured: float, floor: float, unit: str, goal: float, note: str = ""
) -> Figure:
    """Higher is better (throughput): passes when measured / floor >= goal."""
    ratio = _ratio(measured, floor)
    return Figure(
        benchmark,
        engine,
        measured,
        floor,
        unit,
        f">= {goal:g}x floor",
        ratio,
        ratio is not None and ratio >= goal,
        note,
    )


def at_most(
    benchmark: str,
    engine: str,
    measured: float,
    floor: float,
    unit: str,
    goal: float,
    *,
    strict: bool = False,
    note: str = "",
) -> Figure:
    """Lower is better (time): passes when measured / floor <= goal (< goal when strict)."""
    ratio = _ratio(measured, floor)
    ok = ratio is not None and (ratio < goal if strict else ratio <= goal)
    return Figure(
        benchmark,
        engine,
        measured,
        floor,
        unit,
        f"{'<' if strict else '<='} {goal:g}x floor",
        ratio,
        ok,
        note,
    )


def zero(benchmark: str, engine: str, count: int, note: str = "") -> Figure:
    return Figure(benchmark, engine, count, None, "count", "= 0", None, count == 0, note)


def limit(
    benchmark: str, engine: str, measured: float, floor: float, unit: str, allowed: float, note: str = ""
) -> Figure:
    """An absolute allowance over a baseline (memory over idle): passes when measured - floor <= allowed."""
    return Figure(
        benchmark,
        engine,
        measured,
        floor,
        unit,
        f"<= floor + {allowed:g} {unit}",
        None,
        measured - floor <= allowed,
        note,
    )


def check(benchmark: str, engine: str, ok: bool, note: str = "") -> Figure:
    return Figure(benchmark, engine, None, None, "", "holds", None, ok, note)


def info(
    benchmark: str, engine: str, measured: float, floor: float | None, unit: str, note: str = ""
) -> Figure:
    ratio = _ratio(measured, floor) if floor is not None else None
    return Figure(benchmark, engine, measured, floor, unit, "-", ratio, None, note)


def _number(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "ms":
        text = f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
    elif unit == "count":
        return f"{int(value):,}"
    else:
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"
    return f"{text} {unit}"


def _result(figure: Figure) -> str:
    if figure.passed is None:
        return "info"
    if not figure.counted:
        return "met, not chosen" if figure.passed else "missed, not chosen"
    return "PASS" if figure.passed else "FAIL"


def missed(figures: list[Figure]) -> list[Figure]:
    """The goals the run did not meet (what makes `make bench` exit 1)."""
    return [f for f in figures if f.counted and f.passed is False]


def rows(figures: list[Figure]) -> list[list[str]]:
    return [
        [
            f.benchmark,
            f.engine,
            _number(f.measured, f.unit),
            _number(f.floor, f.unit),
            f"{f.ratio:.2f}x" if f.ratio is not None else "-",
            f.goal,
            _result(f),
        ]
        for f in figures
    ]


HEADER = ["benchmark", "engine", "measured", "floor", "ratio", "goal", "result"]


def table(figures: list[Figure]) -> str:
    """A plain-text table; the same rows render as Markdown with markdown()."""
    body = rows(figures)
    widths = [max(len(r[i]) for r in [HEADER, *body]) for i in range(len(HEADER))]
    align = [str.ljust, str.ljust, str.rjust, str.rjust, str.rjust, str.ljust, str.ljust]

    def line(cells: list[str]) -> str:
        return "  ".join(align[i](c, widths[i]) for i, c in enumerate(cells)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(HEADER), rule, *(line(r) for r in body)])


def markdown(figures: list[Figure]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in rows(figures)]
    return "\n".join(lines)
