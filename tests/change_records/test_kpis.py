"""Change KPIs, hand-computed: success rate, lead time request → implementation, incidents within N days."""

from __future__ import annotations

from datetime import datetime

import pytest

from adkar.changes import services as service
from adkar.changes.kpis import change_kpis
from adkar.changes.models import Incident
from adkar.extensions import db


def a_change(cast, milestone, number, *, result="", requested=None, implemented=None):
    return service.set_change_record(
        milestone=milestone,
        actor=cast.owner,
        number=number,
        change_type="normal",
        state="closed" if result else "scheduled",
        details={"result": result, "requested_at": requested, "implemented_at": implemented},
    )


def an_incident(cast, change, number, opened):
    db.session.add(
        Incident(
            initiative_id=cast.initiative.id,
            change_record_id=change.id,
            number=number,
            state="new",
            opened_at=opened,
            sync_source="servicenow",
            external_id=number,
        )
    )
    db.session.commit()


def test_kpis_by_hand(app, cast, factory):
    go_live = factory.milestone(cast.initiative, name="Go-live")
    uat = factory.milestone(cast.initiative, name="UAT", kind="uat")
    # Requested 1 Nov: implemented after 10 days (successful), 2 days (failed), 6 days 12 hours (rolled back).
    a = a_change(
        cast,
        go_live,
        "CHG1",
        result="successful",
        requested=datetime(2026, 11, 1),
        implemented=datetime(2026, 11, 11),
    )
    b = a_change(
        cast,
        go_live,
        "CHG2",
        result="failed",
        requested=datetime(2026, 11, 1),
        implemented=datetime(2026, 11, 3),
    )
    c = a_change(
        cast,
        uat,
        "CHG3",
        result="rolled_back",
        requested=datetime(2026, 11, 1),
        implemented=datetime(2026, 11, 7, 12),
    )
    pending = a_change(cast, uat, "CHG4")
    an_incident(cast, a, "INC1", datetime(2026, 11, 12))  # 1 day after: counts
    an_incident(cast, a, "INC2", datetime(2026, 11, 21))  # 10 days after: outside 7
    an_incident(cast, b, "INC3", datetime(2026, 11, 10))  # 7 days after: counts (inclusive)
    an_incident(cast, c, "INC4", datetime(2026, 11, 6))  # before the change: not caused by it
    an_incident(cast, pending, "INC5", datetime(2026, 11, 6))  # not implemented: not counted
    kpis = change_kpis(cast.initiative.id)
    assert (kpis.implemented, kpis.successful) == (3, 1)
    assert kpis.success_rate == pytest.approx(1 / 3)
    assert kpis.lead_time_days == pytest.approx((10 + 2 + 6.5) / 3)
    assert (kpis.incidents, kpis.changes_with_incidents) == (2, 2)
    assert change_kpis(cast.initiative.id, incident_days=10).incidents == 3


def test_no_changes_no_figures(app, cast):
    kpis = change_kpis(cast.initiative.id)
    assert (kpis.implemented, kpis.success_rate, kpis.lead_time_days, kpis.incidents) == (0, None, None, 0)


def test_the_change_page_shows_the_kpis(client, cast, factory):
    from tests.actions.support import login, text

    go_live = factory.milestone(cast.initiative, name="Go-live")
    a_change(
        cast,
        go_live,
        "CHG1",
        result="successful",
        requested=datetime(2026, 11, 1),
        implemented=datetime(2026, 11, 11),
    )
    a_change(
        cast,
        go_live,
        "CHG2",
        result="failed",
        requested=datetime(2026, 11, 1),
        implemented=datetime(2026, 11, 3),
    )
    login(client, cast.sponsor)
    page = text(client.get(f"/initiatives/{cast.initiative.id}/change-records"))
    assert "50%" in page and "(1 of 2 implemented)" in page
    assert "6.0 days on average" in page
    assert "Incidents within 7 days after a change" in page
