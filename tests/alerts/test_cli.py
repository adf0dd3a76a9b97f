"""`flask alerts send` runs send_due_alerts once and says how many left."""

from __future__ import annotations

from adkar.actions import services as actions
from adkar.timeutil import today

from .support import sent_rows


def test_alerts_send_mails_what_is_due_once(app, cast, runner, mailbox):
    actions.create_resistance(
        group=cast.desk,
        actor=cast.owner,
        what="Agents keep the old tool open",
        reason="fear_of_unknown",
        people=3,
        logged_on=today(),
    )
    result = runner.invoke(args=["alerts", "send"])
    assert result.exit_code == 0, result.output
    # owner and member get the resistance; on a Monday the digest goes to all four readers as well
    assert result.output.strip() in ("Sent 2 alerts.", "Sent 6 alerts.")
    assert sent_rows() == len(mailbox.messages)
    assert runner.invoke(args=["alerts", "send"]).output.strip() == "Sent 0 alerts."
