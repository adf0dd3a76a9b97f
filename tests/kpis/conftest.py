"""An initiative with an owner (practitioner) and a sponsor, and a KPI's fields to vary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest


@pytest.fixture
def world(factory):
    owner, sponsor = factory.user("practitioner"), factory.user("sponsor")
    initiative = factory.initiative(owner, sponsors=(sponsor,))
    return initiative, owner, sponsor


def kpi_fields(**changes):
    fields = {
        "name": "Ticket resolution hours",
        "unit": "hours",
        "direction": "decrease",
        "baseline": 30.0,
        "target": 18.0,
        "owner": "Service desk lead",
        "due_on": date.today() + timedelta(days=60),
        "source": "ITSM report",
        "legacy": False,
        "explanation": "",
    }
    return fields | changes


def benefit_fields(**changes):
    fields = {
        "name": "Cost saved",
        "unit": "EUR",
        "baseline": 0.0,
        "target": 120000.0,
        "forecast": 90000.0,
        "actual": None,
    }
    return fields | changes
