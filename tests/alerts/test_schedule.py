"""The worker's minute sweep sends the due alerts every five minutes, one worker at a time."""

from __future__ import annotations

from adkar.jobs import runner

from .support import weekday_now
from .test_sending import log_resistance


def test_the_minute_sweep_sends_due_alerts_on_every_fifth_minute(app, cast, mailbox):
    now = weekday_now().replace(minute=10)
    log_resistance(cast, now)
    runner.minute(now.replace(minute=11))
    assert mailbox.messages == []
    runner.minute(now)
    sent = len(mailbox.messages)
    assert sent == 2  # the owner and the member, whose defaults include resistance
    runner.minute(now.replace(minute=15))
    assert len(mailbox.messages) == sent  # each alert once


def test_a_second_worker_skips_alerts_another_is_sending(app, cast, mailbox):
    now = weekday_now().replace(minute=20)
    log_resistance(cast, now)
    huey = app.extensions["adkar.queue"].huey
    with huey.lock_task("adkar.periodic.alerts"):  # another worker holds it
        runner.minute(now)
    assert mailbox.messages == []
    runner.minute(now)
    assert len(mailbox.messages) == 2
