"""The wave page follows an e-mail batch live: queued while the mail server is away, it shows "waiting",
and turns "done" with its count on its own once the worker has sent it."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select, update

from adkar.extensions import db
from adkar.jobs import runner
from adkar.jobs.models import Job
from adkar.surveys.models import MailDelivery, Wave
from adkar.timeutil import utc_now

from ..surveys.mailbox import free_port, smtp_server
from .conftest import OPEN_DEMO_WAVE, PRACTITIONER, assert_no_js_errors, sign_in

POLL_TIMEOUT_MS = 15_000  # job-progress.js polls every 3 s


def test_the_wave_page_shows_a_batch_s_progress_live(page, live_server):
    app = live_server.app
    with app.app_context():
        wave_id = db.session.scalar(select(Wave.id).where(Wave.name == OPEN_DEMO_WAVE))
    app.config["SMTP_PORT"] = free_port()  # nothing listens: the batch has to wait
    sign_in(page, PRACTITIONER)
    page.goto(f"/waves/{wave_id}")
    form = page.locator("form").filter(has=page.get_by_role("heading", name="Email invitations"))
    form.get_by_label("Group").select_option(label="Field engineers")
    form.get_by_label("Email addresses").fill("Ana Lima <ana.progress@example.com>\nbob.progress@example.com")
    form.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("status")).to_contain_text("2 invitations queued")
    jobs = page.get_by_role("region", name="E-mail being sent")
    row = jobs.locator("tbody tr").first
    expect(row.locator('[data-field="status"]')).to_have_text("waiting")
    expect(row.locator('[data-field="pending"]')).to_have_text("2")

    with smtp_server() as mailbox:  # the mail server comes back; a worker picks the batch up
        app.config["SMTP_PORT"] = mailbox.port
        with app.app_context():
            job_id = db.session.scalar(select(Job.id).where(Job.wave_id == wave_id).order_by(Job.id.desc()))
            past = utc_now()
            db.session.execute(
                update(MailDelivery).where(MailDelivery.job_id == job_id).values(next_attempt_at=past)
            )
            db.session.execute(update(Job).where(Job.id == job_id).values(next_run_at=past))
            db.session.commit()
            runner.run(job_id)
        assert sorted(mailbox.addresses()) == ["ana.progress@example.com", "bob.progress@example.com"]

    expect(row.locator('[data-field="status"]')).to_have_text("done", timeout=POLL_TIMEOUT_MS)
    expect(row.locator('[data-field="sent"]')).to_have_text("2")
    expect(row.locator('[data-field="pending"]')).to_have_text("0")
    assert_no_js_errors(page)
