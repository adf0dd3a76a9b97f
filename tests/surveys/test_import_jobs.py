"""Large response files are imported by a worker: all or nothing as a direct import, the outcome and every
problem on the import page, the upload deleted once it is done."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from adkar.extensions import db
from adkar.jobs.models import Job
from adkar.surveys.responses import import_jobs, job_files
from adkar.validation import ValidationFailed

from .test_imports import HEADER, upload
from .wavedata import count_responses, make_wave, tally


@pytest.fixture
def app_config(app_config):
    return {**app_config, "IMPORT_BACKGROUND_BYTES": 100}


@pytest.fixture
def signed_in(client, auth, factory):
    wave, groups, owner = make_wave(factory, groups=2)
    auth.login(owner.email)
    return wave, groups, owner


def uploads_left(app) -> list[Path]:
    with app.app_context():
        return list(job_files.uploads_dir().iterdir())


def import_job() -> Job:
    db.session.rollback()
    return db.session.scalars(select(Job).where(Job.kind == import_jobs.IMPORT_KIND)).one()


def test_a_large_file_is_imported_by_a_worker(client, signed_in, app):
    wave, groups, _owner = signed_in
    text = HEADER + "\r\n" + "4,4,4,4,4,From paper\r\n" * 6
    assert len(text.encode()) > 100
    response = upload(client, wave, groups[0], text)
    assert response.status_code == 302
    job = import_job()
    assert (job.status, job.succeeded) == ("done", 6)
    assert count_responses(wave.id) == 6 and tally(wave.id, groups[0].id).n == 6
    page = client.get(f"/waves/{wave.id}/responses/import").get_data(as_text=True)
    assert "Imported 6 responses." in page
    assert uploads_left(app) == []


def test_a_bad_large_file_stores_nothing_and_shows_each_problem(client, signed_in, app):
    wave, groups, _owner = signed_in
    text = HEADER + "\r\n" + "4,4,4,4,4,\r\n" * 5 + "4,9,4,4,4,\r\n"
    upload(client, wave, groups[0], text)
    job = import_job()
    assert job.status == "failed" and job.message.startswith("Nothing was imported: 1 problem")
    assert count_responses(wave.id) == 0
    page = client.get(f"/waves/{wave.id}/responses/import").get_data(as_text=True)
    assert "The file was not imported" in page and "row 6, column de1" in page
    assert uploads_left(app) == []


def test_a_group_outside_the_wave_is_refused_at_once(signed_in, factory, app):
    wave, _groups, owner = signed_in
    _other, (foreign,), _ = make_wave(factory)
    text = HEADER + "\r\n" + "4,4,4,4,4,\r\n" * 6
    with pytest.raises(ValidationFailed):
        import_jobs.queue_import(wave=wave, group_id=foreign.id, data=text.encode(), actor=owner)
    assert db.session.scalars(select(Job)).all() == [] and uploads_left(app) == []


def test_a_survey_tools_large_file_is_imported_by_a_worker_by_its_confirmed_mapping(client, signed_in, app):
    from . import test_tool_files as tools

    wave, groups, _owner = signed_in
    page = tools.upload(client, wave, tools.tool_files.qualtrics_csv(tools.ROWS, "fr"), "ADKAR.csv")
    assert page.status_code == 200
    done = tools.confirm(client, wave, tools.review_form(page.get_data(as_text=True)))
    assert done.status_code == 303
    job = import_job()
    assert (job.status, job.succeeded) == ("done", 10)
    assert job.params["mapping"]["targets"]["Q2_1"] == "aw1"
    assert tools.stored_answers() == tools.expected(groups)
    assert uploads_left(app) == []  # the upload and its pending copy are both gone
    page = client.get(f"/waves/{wave.id}/responses/import").get_data(as_text=True)
    assert "10 rows, 10 imported): done" in page
