"""Large waves are exported by a worker: the same anonymous file as a direct download, for the person who
asked, for a day; then it is deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from adkar.extensions import db
from adkar.jobs import runner
from adkar.jobs.models import Job
from adkar.plan.models import InitiativeMember
from adkar.surveys.definitions import registry
from adkar.surveys.responses import export_jobs, exports, job_files
from adkar.timeutil import utc_now

from .wavedata import add_responses, make_wave


@pytest.fixture
def app_config(app_config):
    return {**app_config, "EXPORT_BACKGROUND_ROWS": 10}


@pytest.fixture
def large(client, auth, factory):
    wave, (group,), owner = make_wave(factory)
    add_responses(wave, group, 12, value=4)
    auth.login(owner.email)
    return wave, owner


def export_job() -> Job:
    db.session.rollback()
    return db.session.scalars(select(Job).where(Job.kind == export_jobs.EXPORT_KIND)).one()


def test_a_large_wave_s_export_is_prepared_by_a_worker_and_matches_the_direct_file(client, large, app):
    wave, _owner = large
    direct = client.get(f"/waves/{wave.id}/responses.csv")
    assert direct.status_code == 303  # too large for the request: the wave page offers "Prepare"
    page = client.get(f"/waves/{wave.id}").get_data(as_text=True)
    assert "Prepare CSV" in page
    assert client.post(f"/waves/{wave.id}/exports", data={"format": "csv"}).status_code == 302
    job = export_job()
    assert job.status == "done" and job.params["rows"] == 12
    page = client.get(f"/waves/{wave.id}").get_data(as_text=True)
    assert f"/exports/{job.id}/download" in page
    downloaded = client.get(f"/exports/{job.id}/download")
    assert downloaded.status_code == 200
    assert downloaded.headers["Content-Disposition"].startswith("attachment")
    expected = exports.to_csv(exports.build_export(wave, registry.get(wave.survey_key), k=5))
    assert downloaded.data == expected
    downloaded.close()
    assert oct(job_files.job_file(job).stat().st_mode)[-3:] == "600"


def test_only_the_person_who_asked_downloads_it(client, auth, large, factory):
    wave, _owner = large
    client.post(f"/waves/{wave.id}/exports", data={"format": "xlsx"})
    job = export_job()
    colleague = factory.user("practitioner")
    db.session.add(
        InitiativeMember(initiative_id=wave.initiative_id, user_id=colleague.id, role="practitioner")
    )
    db.session.commit()
    auth.logout()
    auth.login(colleague.email)
    assert client.get(f"/exports/{job.id}/download").status_code == 404
    assert f"/exports/{job.id}/download" not in client.get(f"/waves/{wave.id}").get_data(as_text=True)


def test_the_file_is_deleted_after_a_day(client, large):
    wave, _owner = large
    client.post(f"/waves/{wave.id}/exports", data={"format": "csv"})
    job = export_job()
    path = job_files.job_file(job)
    runner.minute((utc_now() + timedelta(hours=25)).replace(minute=1))  # not a fifth minute: no alerts
    assert not path.exists()
    assert client.get(f"/exports/{job.id}/download").status_code == 404
    assert "deleted a day after" in export_job().message


def test_bad_requests_store_nothing(client, large, factory, auth):
    wave, _owner = large
    assert client.post(f"/waves/{wave.id}/exports", data={"format": "pdf"}).status_code == 400
    small, (group,), owner = make_wave(factory)
    add_responses(small, group, 2)
    auth.logout()
    auth.login(owner.email)
    assert client.post(f"/waves/{small.id}/exports", data={"format": "csv"}).status_code == 409
    db.session.rollback()
    assert db.session.scalars(select(Job)).all() == []
