"""Agreement answers as survey tools write them, read as the 1-5 adkar stores, or refused saying how to fix.

Digits ("4"), whole decimals ("4.0", "4,0": how spreadsheets save them), the survey's own labels in any of its
languages and the labels tools ship with ("Strongly agree", "Tout à fait d'accord", "Stimme voll zu"),
LimeSurvey's answer codes (A1-A5), and both at once ("5 - Strongly agree", "Strongly agree (5)"). When the
numbers and labels of a column disagree the other way round (1 = Strongly agree) the scale is reversed:
`Scale.read` then trusts the label and the preview says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...elements import LIKERT_MAX, LIKERT_MIN
from ..definitions.survey import SurveyDefinition
from .column_mapping import normalised

TOOL_LABELS = {
    1: ["strongly disagree", "stimme gar nicht zu", "stimme überhaupt nicht zu", "pas du tout d'accord",
        "tout à fait en désaccord", "fortement en désaccord"],
    2: ["disagree", "somewhat disagree", "stimme nicht zu", "stimme eher nicht zu", "pas d'accord",
        "plutôt pas d'accord", "en désaccord"],
    3: ["neither agree nor disagree", "neutral", "weder noch", "teils, teils", "teils/teils", "neutre",
        "ni d'accord ni pas d'accord", "ni en accord ni en désaccord"],
    4: ["agree", "somewhat agree", "stimme eher zu", "stimme zu", "plutôt d'accord", "d'accord"],
    5: ["strongly agree", "stimme voll zu", "stimme voll und ganz zu", "stimme völlig zu",
        "tout à fait d'accord", "fortement d'accord"],
}  # fmt: skip
_WHOLE = re.compile(r"(\d+)(?:[.,]0{1,2})?")  # "4.0", "4,00"; never "1.000"
_CODE = re.compile(r"[Aa](\d)")
_NUMBER_AND_LABEL = re.compile(r"(\d+)\s*[-=:.)]\s*(.+)|(.+?)\s*\((\d+)\)")


@dataclass
class Scale:
    """Reads one file's agreement answers; `reversed_columns` holds the columns found running 5..1."""

    labels: dict[str, int]
    reversed_columns: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, defn: SurveyDefinition) -> Scale:
        labels = {normalised(text): value for value, texts in TOOL_LABELS.items() for text in texts}
        for per_language in defn.scales.get("likert5", {}).values():
            for value, text in enumerate(per_language, start=LIKERT_MIN):
                labels[normalised(text)] = value
        return cls(labels)

    def read(self, text: str, column: str, *, reverse: bool = False) -> int | None:
        """The 1-5 a cell means, or None when it means none (the row check then words the problem).

        `reverse` is the practitioner's word that the column's bare numbers run 5..1."""
        cell = text.strip()
        if match := _WHOLE.fullmatch(cell):
            return self._number(int(match.group(1)), reverse)
        if match := _CODE.fullmatch(cell):
            return self._number(int(match.group(1)), reverse)
        label = self.labels.get(normalised(cell))
        if label is not None:
            return label
        if match := _NUMBER_AND_LABEL.fullmatch(cell):
            number = int(match.group(1) or match.group(4))
            label = self.labels.get(normalised(match.group(2) or match.group(3)))
            if label is None:
                return None
            if number != label and number == LIKERT_MIN + LIKERT_MAX - label:
                self.reversed_columns.add(column)
            return label if number in (label, LIKERT_MIN + LIKERT_MAX - label) else None
        return None

    @staticmethod
    def _number(value: int, reverse: bool) -> int | None:
        if not LIKERT_MIN <= value <= LIKERT_MAX:
            return None
        return LIKERT_MIN + LIKERT_MAX - value if reverse else value


def labels_help(defn: SurveyDefinition, lang: str = "en") -> str:
    """The fix an unreadable answer's message suggests."""
    labels = defn.scales.get("likert5", {}).get(lang) or ()
    named = f" or a label ({labels[0]} … {labels[-1]})" if labels else ""
    return f"Write a whole number from {LIKERT_MIN} to {LIKERT_MAX}{named}."
