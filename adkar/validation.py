"""One error type for rule violations found by services, shaped for forms, imports and the API alike."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    message: str
    field: str | None = None
    row: int | None = None
    column: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ValidationFailed(Exception):
    """Nothing was stored; `problems` says why, each with the field or the row and column."""

    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def one(cls, message: str, field: str | None = None) -> ValidationFailed:
        return cls([Problem(message=message, field=field)])

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.problems)

    def by_field(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for problem in self.problems:
            result.setdefault(problem.field or "", []).append(problem.message)
        return result
