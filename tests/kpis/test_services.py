"""KPIs, measurements and benefits through their services: every field checked, all or nothing, audited;
and closing an initiative waits for its KPIs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from adkar.audit.models import AuditEvent
from adkar.extensions import db
from adkar.governance import services as governance
from adkar.governance.models import SignOff, StageEntry
from adkar.kpis import services
from adkar.kpis.measurements import import_measurements, kpi_views
from adkar.kpis.models import Kpi, KpiMeasurement
from adkar.validation import ValidationFailed

from .conftest import benefit_fields, kpi_fields

TODAY = date.today()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_kpi_is_stored_with_its_audit_line(world):
    initiative, owner, _ = world
    kpi = services.create_kpi(initiative=initiative, actor=owner, **kpi_fields(name="  Uptime ", baseline=99))
    assert (kpi.name, kpi.baseline, kpi.direction) == ("Uptime", 99.0, "decrease")
    assert actions()[-1] == "kpi.create"


def test_every_bad_field_is_named_and_nothing_is_stored(world):
    initiative, owner, _ = world
    bad = kpi_fields(
        name=" ",
        unit="x" * 41,
        direction="sideways",
        baseline=float("nan"),
        target=True,
        due_on=date(1999, 1, 1),
        owner=3,
        legacy="yes",
    )
    with pytest.raises(ValidationFailed) as refused:
        services.create_kpi(initiative=initiative, actor=owner, **bad)
    assert sorted(refused.value.by_field()) == [
        "baseline",
        "direction",
        "due_on",
        "legacy",
        "name",
        "owner",
        "target",
        "unit",
    ]
    assert count(Kpi) == 0 and "kpi.create" not in actions()


def test_names_are_unique_per_initiative(world, factory):
    initiative, owner, _ = world
    first = services.create_kpi(initiative=initiative, actor=owner, **kpi_fields())
    with pytest.raises(ValidationFailed) as refused:
        services.create_kpi(initiative=initiative, actor=owner, **kpi_fields())
    assert list(refused.value.by_field()) == ["name"]
    other = factory.initiative(owner, name="Another rollout")
    services.create_kpi(initiative=other, actor=owner, **kpi_fields())  # another initiative's may share it
    services.update_kpi(kpi=first, actor=owner, **kpi_fields(target=None))  # its own name is no clash
    assert first.target is None


def test_measurements_are_imported_all_or_nothing(world):
    initiative, owner, _ = world
    kpi = services.create_kpi(initiative=initiative, actor=owner, **kpi_fields())
    good = {"kpi_id": kpi.id, "day": TODAY - timedelta(days=7), "value": 24.5}
    rows = [
        good,
        {"kpi_id": kpi.id, "day": TODAY + timedelta(days=1), "value": 20},
        {"kpi_id": kpi.id + 99, "day": TODAY, "value": 20},
        {"kpi_id": kpi.id, "day": TODAY, "value": float("inf")},
        dict(good),
    ]
    with pytest.raises(ValidationFailed) as refused:
        import_measurements(initiative=initiative, actor=owner, rows=rows, source="csv")
    assert [(p.row, p.field) for p in refused.value.problems] == [
        (2, "date"),
        (3, "kpi_id"),
        (4, "value"),
        (5, "date"),
    ]
    assert count(KpiMeasurement) == 0
    assert import_measurements(initiative=initiative, actor=owner, rows=[good], source="csv") == (1, 0)
    again = [{**good, "value": 22}, {"kpi_id": kpi.id, "day": TODAY, "value": 21}]
    assert import_measurements(initiative=initiative, actor=owner, rows=again, source="csv") == (1, 1)
    assert [(m.day, m.value) for m in kpi.measurements] == [(good["day"], 22.0), (TODAY, 21.0)]
    assert actions()[-1] == "kpi_measurement.import"


def test_another_initiatives_kpi_cannot_be_measured_through_this_one(world, factory):
    initiative, owner, _ = world
    other = factory.initiative(owner, name="Another rollout")
    theirs = services.create_kpi(initiative=other, actor=owner, **kpi_fields())
    with pytest.raises(ValidationFailed):
        import_measurements(
            initiative=initiative,
            actor=owner,
            rows=[{"kpi_id": theirs.id, "day": TODAY, "value": 1}],
            source="csv",
        )


def test_statuses_read_the_measurements(world):
    initiative, owner, _ = world
    kpi = services.create_kpi(initiative=initiative, actor=owner, **kpi_fields())
    services.create_kpi(initiative=initiative, actor=owner, **kpi_fields(name="Cost per ticket", target=None))
    rows = [{"kpi_id": kpi.id, "day": TODAY - timedelta(days=n), "value": v} for n, v in ((20, 30), (10, 25))]
    import_measurements(initiative=initiative, actor=owner, rows=rows, source="csv")
    # Falling 0.5 an hour a day from 25 today-10: 60 + 10 days on it projects 25 - 35 = -10, below 18.
    assert [(v.kpi.name, v.status) for v in kpi_views(initiative.id)] == [
        ("Cost per ticket", "no_target"),
        ("Ticket resolution hours", "on_track"),
    ]


def test_benefits_are_checked_and_audited(world):
    initiative, owner, _ = world
    with pytest.raises(ValidationFailed) as refused:
        services.create_benefit(
            initiative=initiative, actor=owner, **benefit_fields(baseline=None, actual="x")
        )
    assert sorted(refused.value.by_field()) == ["actual", "baseline"]
    benefit = services.create_benefit(initiative=initiative, actor=owner, **benefit_fields())
    services.update_benefit(benefit=benefit, actor=owner, **benefit_fields(actual=45000))
    assert benefit.actual == 45000.0
    services.delete_benefit(benefit=benefit, actor=owner)
    assert actions()[-3:] == ["benefit.create", "benefit.update", "benefit.delete"]


def test_closing_waits_for_every_kpi_with_a_target_met_or_explained(world, factory):
    initiative, owner, sponsor = world
    db.session.add(StageEntry(initiative_id=initiative.id, stage="implemented", user_id=owner.id))
    db.session.add(
        SignOff(initiative_id=initiative.id, stage="closed", role="controller", approver_id=sponsor.id)
    )
    db.session.commit()
    sign_off = db.session.scalar(select(SignOff))
    governance.decide(sign_off=sign_off, actor=sponsor, decision="approved")
    kpi = services.create_kpi(initiative=initiative, actor=owner, **kpi_fields())
    services.create_kpi(
        initiative=initiative, actor=owner, **kpi_fields(name="Calls to the old hotline", legacy=True)
    )
    with pytest.raises(governance.StageRefused) as refused:
        governance.advance(initiative=initiative, to="closed", actor=owner)
    assert [p.message for p in refused.value.problems] == [
        "KPI “Ticket resolution hours” is met or its miss explained: No data."
    ]
    services.update_kpi(
        kpi=kpi, actor=owner, **kpi_fields(explanation="Measured by the new ITSM from Q3 only.")
    )
    assert governance.advance(initiative=initiative, to="closed", actor=owner).stage == "closed"
