"""Reports of large initiatives are built on a worker and downloaded from the dashboard for a day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from adkar.extensions import db
from adkar.jobs import runner
from adkar.jobs.models import Job
from adkar.plan.models import InitiativeMember
from adkar.surveys.responses import job_files
from adkar.timeutil import utc_now
from adkar.vendor import plotly_js_path

from . import scenario as story
from .pages import kpi, text


@pytest.fixture
def app_config(app_config):
    return {**app_config, "REPORT_BACKGROUND_CELLS": 5}  # the scenario has 3 groups x 2 waves


@pytest.fixture
def world(factory):
    return story.build(factory)


def report_job() -> Job:
    db.session.rollback()
    return db.session.scalars(select(Job).where(Job.kind == "dashboard.report")).one()


def test_a_large_initiative_s_report_is_prepared_by_a_worker(client, auth, world):
    auth.login(world.sponsor.email)
    dashboard = f"/initiatives/{world.initiative.id}/dashboard"
    direct = client.get(f"/initiatives/{world.initiative.id}/report.html")
    assert direct.status_code == 302 and direct.headers["Location"].endswith(f"{dashboard}#reports-heading")
    page = text(client.get(dashboard))
    assert "Prepare report (HTML)" in page and "/report.html" not in page
    assert db.session.scalars(select(Job)).all() == []  # looking never queues anything

    assert client.post(f"/initiatives/{world.initiative.id}/reports").status_code == 302
    job = report_job()
    assert job.status == "done" and job.created_by == world.sponsor.id
    page = text(client.get(dashboard))
    assert f"/exports/{job.id}/download" in page and "Reports prepared for you" in page
    progress = client.get(f"/initiatives/{world.initiative.id}/reports.json").get_json()
    assert [(j["id"], j["status"]) for j in progress["jobs"]] == [(job.id, "done")]

    downloaded = client.get(f"/exports/{job.id}/download")
    assert downloaded.status_code == 200 and downloaded.mimetype == "text/html"
    assert downloaded.headers["Content-Disposition"] == (
        f"attachment; filename=initiative-{world.initiative.id}-readiness-report-{world.day.isoformat()}.html"
    )
    report = text(downloaded)
    downloaded.close()
    assert plotly_js_path().read_text(encoding="utf-8") in report  # the same offline file as a direct one
    assert kpi(report, "adoption") == "47%"
    assert oct(job_files.job_file(job).stat().st_mode)[-3:] == "600"


def test_a_small_initiative_s_report_downloads_at_once(client, auth, world, app):
    app.config["REPORT_BACKGROUND_CELLS"] = 6
    auth.login(world.sponsor.email)
    page = text(client.get(f"/initiatives/{world.initiative.id}/dashboard"))
    assert "Prepare report" not in page and f"/initiatives/{world.initiative.id}/report.html" in page
    assert client.get(f"/initiatives/{world.initiative.id}/report.html").status_code == 200


def test_a_report_is_for_the_person_who_asked_and_only_for_a_day(client, auth, world, factory):
    auth.login(world.sponsor.email)
    client.post(f"/initiatives/{world.initiative.id}/reports")
    job = report_job()
    colleague = factory.user("sponsor")
    db.session.add(InitiativeMember(initiative_id=world.initiative.id, user_id=colleague.id, role="sponsor"))
    db.session.commit()
    auth.logout()
    auth.login(colleague.email)
    assert client.get(f"/exports/{job.id}/download").status_code == 404
    assert f"/exports/{job.id}/download" not in text(
        client.get(f"/initiatives/{world.initiative.id}/dashboard")
    )
    auth.logout()
    auth.login(world.stranger.email)
    assert client.post(f"/initiatives/{world.initiative.id}/reports").status_code == 404
    assert client.get(f"/initiatives/{world.initiative.id}/reports.json").status_code == 404

    auth.logout()
    auth.login(world.sponsor.email)
    path = job_files.job_file(job)
    runner.minute((utc_now() + timedelta(hours=25)).replace(minute=1))  # not a fifth minute: no alerts
    assert not path.exists()
    assert client.get(f"/exports/{job.id}/download").status_code == 404
    assert "deleted a day after" in report_job().message
