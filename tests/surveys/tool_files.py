"""Response files built the way Microsoft Forms, Google Forms, SurveyMonkey, Qualtrics and LimeSurvey write
them (header rows, tool columns, encodings, separators), for the adkar-pulse survey, in English, German and
French. Each builder takes rows of (group name, five 1-5 answers, comment)."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import Workbook

TEXTS = {
    "en": [
        "I understand why we are introducing the new system.",
        "I want to take part in this change and help it succeed.",
        "I know how to use the new system for the tasks in my role.",
        "I am confident I can do my day-to-day work with the new system.",
        "In my team, the new way of working is supported and recognised.",
    ],
    "de": [
        "Ich verstehe, warum wir das neue System einführen.",
        "Ich möchte mich an dieser Veränderung beteiligen und zu ihrem Erfolg beitragen.",
        "Ich weiß, wie ich das neue System für die Aufgaben in meiner Rolle nutze.",
        "Ich traue mir zu, meine tägliche Arbeit mit dem neuen System zu erledigen.",
        "In meinem Team wird die neue Arbeitsweise unterstützt und anerkannt.",
    ],
    "fr": [
        "Je comprends pourquoi nous mettons en place le nouveau système.",
        "Je veux participer à ce changement et contribuer à sa réussite.",
        "Je sais comment utiliser le nouveau système pour les tâches liées à mon poste.",
        "J’ai confiance en ma capacité à effectuer mon travail quotidien avec le nouveau système.",
        "Dans mon équipe, la nouvelle façon de travailler est soutenue et valorisée.",
    ],
}
LABELS = {  # as the tools ship them, not always the survey's own wording
    "en": ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"],
    "de": ["Stimme überhaupt nicht zu", "Stimme nicht zu", "Weder noch", "Stimme zu", "Stimme voll zu"],
    "fr": ["Pas du tout d'accord", "Pas d'accord", "Neutre", "D'accord", "Tout à fait d'accord"],
}

Row = tuple[str, list[int], str]


def _csv(rows: list[list[str]], *, delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, quoting=quoting).writerows(rows)
    return buffer.getvalue()


def forms_xlsx(rows: list[Row], lang: str = "en") -> bytes:
    """Microsoft Forms' "Open in Excel": ID, times, e-mail, name, then one column per question, labels."""
    meta = {
        "en": ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"],
        "de": ["ID", "Startzeit", "Fertigstellungszeit", "E-Mail", "Name", "Zeitpunkt der letzten Änderung"],
    }[lang]
    group, comment = {"en": ("Team", "Comments"), "de": ("Abteilung", "Kommentar")}[lang]
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append([*meta, group, *TEXTS[lang], comment])
    for number, (team, answers, text) in enumerate(rows, start=1):
        sheet.append(
            [number, "12/1/26 9:00:01", "12/1/26 9:03:40", "anonymous", None, None, team]
            + [LABELS[lang][a - 1] for a in answers]
            + [text or None]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def google_csv(rows: list[Row], lang: str = "de") -> bytes:
    """Google Forms' CSV download: UTF-8 without a BOM, comma, "Timestamp", a grid as "Question [Row]"."""
    stamp, mail, group, question = {
        "de": ("Zeitstempel", "E-Mail-Adresse", "Gruppe", "Wie sehr stimmen Sie zu?"),
        "en": ("Timestamp", "Email address", "Group", "How far do you agree?"),
    }[lang]
    header = [stamp, mail, group, *(f"{question} [{text}]" for text in TEXTS[lang]), "Kommentar"]
    body = [
        [
            "2026/12/01 9:00:01 AM GMT+1",
            f"person{i}@example.com",
            team,
            *(LABELS[lang][a - 1] for a in answers),
            text,
        ]
        for i, (team, answers, text) in enumerate(rows)
    ]
    return _csv([header, *body]).encode("utf-8")


def surveymonkey_csv(rows: list[Row], texts: list[str] | None = None) -> bytes:
    """SurveyMonkey's "All responses data" CSV: two header rows (question, then "Response" or the matrix's
    statements), respondent and collector ids, dates, IP, e-mail, names, custom data. `texts`: the statements
    (the pulse's by default)."""
    texts = texts or TEXTS["en"]
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
            "First Name", "Last Name", "Custom Data 1"]  # fmt: skip
    top = [*meta, "Which team are you in?", "How far do you agree with each statement?", *[""] * (len(texts) - 1),
           "Is there anything else you would like to tell the project team about this change?"]  # fmt: skip
    sub = [""] * len(meta) + ["Response", *texts, "Open-Ended Response"]
    body = [
        [
            str(114_000_000 + i),
            "431234567",
            "12/01/2026 09:00:01 AM",
            "12/01/2026 09:03:40 AM",
            "203.0.113.7",
            "",
            "",
            "",
            "",
            team,
            *(LABELS["en"][a - 1] for a in answers),
            text,
        ]
        for i, (team, answers, text) in enumerate(rows)
    ]
    return ("\ufeff" + _csv([top, sub, *body])).encode("utf-8")


def qualtrics_csv(rows: list[Row], lang: str = "fr") -> bytes:
    """Qualtrics' CSV export in UTF-8 with a BOM: codes, texts, then {"ImportId": ...}; numeric values."""
    meta = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
            "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
            "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage"]  # fmt: skip
    meta_ids = ["startDate", "endDate", "status", "ipAddress", "progress", "duration", "finished", "recordedDate",
                "_recordId", "recipientLastName", "recipientFirstName", "recipientEmail", "externalDataReference",
                "locationLatitude", "locationLongitude", "distributionChannel", "userLanguage"]  # fmt: skip
    meta_texts = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)",
                  "Finished", "Recorded Date", "Response ID", "Recipient Last Name", "Recipient First Name",
                  "Recipient Email", "External Data Reference", "Location Latitude", "Location Longitude",
                  "Distribution Channel", "User Language"]  # fmt: skip
    question = {"fr": "Dans quelle mesure êtes-vous d’accord ?", "en": "How far do you agree?"}[lang]
    group = {"fr": "Groupe", "en": "Group"}[lang]
    codes = [*meta, "Q1", *(f"Q2_{i}" for i in range(1, 6)), "Q3"]
    texts = [*meta_texts, group, *(f"{question} - {text}" for text in TEXTS[lang]), "Commentaire"]
    import_ids = [json.dumps({"ImportId": i}, separators=(",", ":")) for i in meta_ids]
    import_ids[0] = '{"ImportId":"startDate","timeZone":"Europe/Paris"}'
    import_ids += [
        json.dumps({"ImportId": f"QID{i}"}, separators=(",", ":"))
        for i in ("1", *(f"2_{n}" for n in range(1, 6)), "3_TEXT")
    ]
    body = [
        [
            "2026-12-01 09:00:01",
            "2026-12-01 09:03:40",
            "0",
            "198.51.100.4",
            "100",
            "219",
            "1",
            "2026-12-01 09:03:41",
            f"R_{i:015d}",
            "",
            "",
            "",
            "",
            "48.85",
            "2.35",
            "anonymous",
            lang.upper(),
            team,
            *map(str, answers),
            text,
        ]
        for i, (team, answers, text) in enumerate(rows)
    ]
    return ("\ufeff" + _csv([codes, texts, import_ids, *body])).encode("utf-8")


def limesurvey_csv(rows: list[Row], encoding: str = "cp1252") -> bytes:
    """LimeSurvey's "Export responses" as CSV with semicolons, question codes as headings, answer codes."""
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "Gruppe",
              *(f"ADKAR[{item}]" for item in ("aw1", "de1", "kn1", "ab1", "re1")), "comment"]  # fmt: skip
    body = [
        [str(i + 1), "2026-12-01 09:03:40", "2", "de", "1234567", team, *(f"A{a}" for a in answers), text]
        for i, (team, answers, text) in enumerate(rows)
    ]
    return _csv([header, *body], delimiter=";", quoting=csv.QUOTE_ALL).encode(encoding)
