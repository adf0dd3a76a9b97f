"""The portfolio for those who decide: a sponsor sees every initiative they may read (and no other) with its
stage, how many criteria of the next stage hold, the go-live gate, KPI statuses and sign-offs waiting."""

from __future__ import annotations

import re
from datetime import timedelta

from adkar.governance import services as governance
from adkar.governance.decisions import rows
from adkar.kpis import services as kpis
from adkar.kpis.measurements import import_measurements
from adkar.timeutil import today


def kpi(initiative, owner, name, target):
    return kpis.create_kpi(
        initiative=initiative,
        actor=owner,
        name=name,
        unit="",
        direction="increase",
        baseline=0,
        target=target,
        owner="",
        due_on=None,
        source="",
        legacy=False,
        explanation="",
    )


def test_a_sponsor_sees_the_initiatives_they_read_with_stage_gate_kpis_and_their_sign_offs(
    client, auth, factory
):
    owner, sponsor, stranger = (
        factory.user("practitioner"),
        factory.user("sponsor"),
        factory.user("practitioner"),
    )
    sponsored = factory.initiative(owner, name="CRM rollout", sponsors=(sponsor,))
    factory.initiative(stranger, name="Secret merger")
    factory.group(sponsored, name="Sales")
    factory.milestone(sponsored)  # the go-live; no wave, so its gate has no data
    governance.advance(initiative=sponsored, to="detailed", actor=owner)
    governance.name_sign_off(
        initiative=sponsored, stage="decided", role="sponsor", approver_id=sponsor.id, actor=owner
    )
    met, missed = kpi(sponsored, owner, "Adoption", 10), kpi(sponsored, owner, "Uptime", 99)
    kpi(sponsored, owner, "Tickets", None)
    day = today() - timedelta(days=1)
    import_measurements(
        initiative=sponsored,
        actor=owner,
        rows=[{"kpi_id": met.id, "day": day, "value": 12}, {"kpi_id": missed.id, "day": day, "value": 90}],
        source="test",
    )

    (row,) = rows(sponsor)
    # Entering Decided: "Sponsor sign-off by …" is pending, so 0 of 1 criteria hold; 1 met, 1 off track
    # (no due date), 1 without a target.
    assert (row.stage, row.next_stage, row.met, row.needed) == ("detailed", "decided", 0, 1)
    assert (row.go_live.gate_status, row.pending, row.mine) == ("no_data", 1, 1)
    assert dict(row.kpis) == {"met": 1, "off_track": 1, "no_target": 1}
    assert rows(owner)[0].mine == 0

    auth.login(sponsor.email)
    response = client.get("/decisions")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "CRM rollout" in page and "Secret merger" not in page
    cells = re.sub(r"\s+", " ", page)
    assert "Decided: 0 of 1 criteria met" in cells and "1 met, 1 off track, 1 no target" in cells
    assert "1 yours to decide" in cells and "No data" in cells
