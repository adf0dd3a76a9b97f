"""Which column of a survey tool's file holds which survey item, the group, or nothing adkar keeps.

`propose` guesses, column by column: an item by its id (aw1, [aw1], "aw1: …", a Qualtrics code the practitioner
named), by its statement's text in any of the survey's languages, or by a fuzzy match (difflib); the group by
the column's name; identity and tool columns (ids, times, e-mail, names, IP addresses) are recognised and never
stored. The practitioner confirms or corrects the guess; the result is a `Mapping` of column name -> target.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..definitions.survey import SurveyDefinition
from .source_files import SourceColumn

GROUP = "group"
IGNORE = "ignore"
FUZZY_AT_LEAST = 0.82
SHORT_HEADER = 40
"""Only a header this short is recognised by a part ("Work e-mail"): a statement may mention e-mail."""

IDENTITY_NAMES = frozenset(
    {
        # Microsoft Forms (en, de, fr)
        "id",
        "start time",
        "completion time",
        "email",
        "name",
        "last modified time",
        "startzeit",
        "fertigstellungszeit",
        "e-mail",
        "zeitpunkt der letzten änderung",
        "heure de début",
        "heure de fin",
        "adresse de messagerie",
        "nom",
        "heure de la dernière modification",
        # Google Forms
        "timestamp",
        "email address",
        "zeitstempel",
        "e-mail-adresse",
        "horodateur",
        "adresse e-mail",
        # SurveyMonkey
        "respondent id",
        "collector id",
        "start date",
        "end date",
        "ip address",
        "first name",
        "last name",
        "custom data 1",
        "custom data",
        # Qualtrics
        "startdate",
        "enddate",
        "status",
        "ipaddress",
        "progress",
        "duration (in seconds)",
        "finished",
        "recordeddate",
        "responseid",
        "recipientlastname",
        "recipientfirstname",
        "recipientemail",
        "externalreference",
        "externaldatareference",
        "locationlatitude",
        "locationlongitude",
        "distributionchannel",
        "userlanguage",
        "response type",
        "response id",
        "recorded date",
        "recipient last name",
        "recipient first name",
        "recipient email",
        "external data reference",
        "location latitude",
        "location longitude",
        "distribution channel",
        "user language",
        # LimeSurvey (codes and texts, en, de, fr)
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "token",
        "datestamp",
        "ipaddr",
        "refurl",
        "date submitted",
        "last page",
        "start language",
        "date started",
        "date last action",
        "referrer url",
        "antwort id",
        "datum abgeschickt",
        "letzte seite",
        "start-sprache",
        "startsprache",
        "zugangsschlüssel",
        "id de la réponse",
        "date de soumission",
        "dernière page",
        "langue de départ",
        "jeton",
        # adkar's own export: derived from the answers, computed again on import
        "submitted",
        "barrier point",
    }
)
_IDENTITY_PARTS = re.compile(
    r"e-?mail|ip[ -]?addr|ip-adresse|adresse ip|timestamp|zeitstempel|horodat|respondent|"
    r"first name|last name|vorname|nachname|prénom|phone|telefon|téléphone",
    re.IGNORECASE,
)
_DERIVED = re.compile(
    r"^((awareness|desire|knowledge|ability|reinforcement) score|barrier point|submitted)$", re.IGNORECASE
)
"""adkar's own export: the wave's closing date, and what is computed from the answers."""
GROUP_NAMES = frozenset(
    {
        "group",
        "stakeholder group",
        "team",
        "department",
        "business unit",
        "unit",
        "division",
        "gruppe",
        "abteilung",
        "bereich",
        "stakeholder-gruppe",
        "organisationseinheit",
        "groupe",
        "équipe",
        "service",
        "département",
        "direction",
        "groupe de parties prenantes",
    }
)


@dataclass(frozen=True)
class Proposal:
    """A column's proposed target (an item id, GROUP or IGNORE) and why, in words for the preview."""

    target: str
    reason: str
    identity: bool = False


def normalised(text: str) -> str:
    """Text compared as people mean it: case, accents kept; quotes, dashes and spacing alike."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    text = re.sub(r"[\u2013\u2014]", "-", text)
    return re.sub(r"\s+", " ", text).strip(" .:?*")


def is_identity(column: SourceColumn) -> bool:
    """Columns that identify a person or record how a tool ran the survey: never stored, never shown, whatever
    a saved mapping or the form says."""
    if column.import_id and not column.import_id.upper().startswith("QID"):
        return True
    return any(
        normalised(text) in IDENTITY_NAMES or (len(text) <= SHORT_HEADER and _IDENTITY_PARTS.search(text))
        for text in column.texts[:1]
    )


def propose(
    defn: SurveyDefinition, columns: Iterable[SourceColumn], saved: Mapping[str, str] | None = None
) -> dict[str, Proposal]:
    """A proposal for every named column; `saved` (a mapping kept for this source) wins where it applies."""
    texts = _item_texts(defn)
    proposals: dict[str, Proposal] = {}
    taken: set[str] = set()
    group_found = False
    for column in columns:
        if not column.name or column.name in proposals:
            continue
        if is_identity(column):
            proposal = Proposal(IGNORE, "identifies a person or the tool's record: never stored", True)
        elif any(_DERIVED.match(text.strip()) for text in column.texts[:1]):
            proposal = Proposal(IGNORE, "computed from the answers: adkar computes it again")
        elif saved and column.name in saved and _valid_target(defn, saved[column.name]):
            proposal = Proposal(saved[column.name], "as in the saved mapping")
        elif not group_found and any(normalised(t) in GROUP_NAMES for t in column.texts):
            proposal = Proposal(GROUP, "names the group")
        else:
            proposal = _item_proposal(defn, column, texts, taken)
        if proposal.target == GROUP:
            group_found = True
        elif proposal.target != IGNORE:
            taken.add(proposal.target)
        proposals[column.name] = proposal
    return proposals


def _valid_target(defn: SurveyDefinition, target: str) -> bool:
    return target in (GROUP, IGNORE) or target in defn.items_by_id


def _item_proposal(
    defn: SurveyDefinition, column: SourceColumn, texts: dict[str, str], taken: set[str]
) -> Proposal:
    ids = {item_id.casefold(): item_id for item_id in defn.item_ids}
    for text in column.texts:
        for token in _id_tokens(text):
            item_id = ids.get(token.casefold())
            if item_id and item_id not in taken:
                return Proposal(item_id, f"item id {item_id}")
    candidates = [c for text in column.texts for c in _parts(text)]
    for candidate in candidates:
        item_id = texts.get(normalised(candidate))
        if item_id and item_id not in taken:
            return Proposal(item_id, "the statement's text")
    best, best_ratio = None, 0.0
    for candidate in candidates:
        key = normalised(candidate)
        for text, item_id in texts.items():
            if item_id in taken:
                continue
            ratio = difflib.SequenceMatcher(None, key, text).ratio()
            if ratio > best_ratio:
                best, best_ratio = item_id, ratio
    if best is not None and best_ratio >= FUZZY_AT_LEAST:
        return Proposal(best, f"close to the statement's text ({best_ratio:.0%} alike)")
    return Proposal(IGNORE, "matches no item of the survey")


def _id_tokens(text: str) -> list[str]:
    """Where tools put a question code: the whole header, "[aw1]" (LimeSurvey, Google grids), "aw1: …"."""
    tokens = [text.strip()]
    tokens += re.findall(r"\[([A-Za-z0-9_]+)\]", text)
    if match := re.match(r"([A-Za-z0-9_]+)\s*[:.)]\s", text):
        tokens.append(match.group(1))
    return tokens


def _parts(text: str) -> list[str]:
    """The header, and the statement inside it: after "Question - " (Qualtrics, SurveyMonkey), inside
    "Question [Statement]" (Google Forms grids), after "aw1: " (adkar's own export)."""
    parts = [text]
    if " - " in text:
        parts.append(text.rsplit(" - ", 1)[1])
    parts += re.findall(r"\[([^\]]{8,})\]", text)
    if match := re.match(r"[A-Za-z0-9_]+\s*[:.)]\s+(.+)", text):
        parts.append(match.group(1))
    return parts


def _item_texts(defn: SurveyDefinition) -> dict[str, str]:
    """Every statement's text in every language of the survey -> its item id."""
    return {normalised(text): item.id for item in defn.items for text in item.text.values()}
