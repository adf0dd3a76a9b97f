"""The SMTP sender: well-formed messages, one connection per batch, clear errors when the server says no."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from adkar import mail

from .mailbox import Mailbox, free_port, smtp_server

MESSAGE = mail.Mail(
    to="ana@example.test",
    subject="Service desk migration: ADKAR readiness pulse",
    text="Your personal link: https://adkar.test/s/abc",
    html='<p><a href="https://adkar.test/s/abc">Open</a> &lt;b&gt;</p>',
)


def config(port: int, **extra) -> dict:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_USERNAME": None,
        "SMTP_PASSWORD": None,
        "SMTP_STARTTLS": False,
        "SMTP_SENDER": "Readiness team <adkar@example.test>",
        "SMTP_TIMEOUT": 5,
        **extra,
    }


def test_messages_have_the_headers_and_both_parts():
    message = mail.build_message(MESSAGE, sender="Readiness team <adkar@example.test>")
    assert message["To"] == "ana@example.test"
    assert message["From"] == "Readiness team <adkar@example.test>"
    assert message["Subject"] == MESSAGE.subject
    assert message["Date"] and message["Message-ID"].endswith("@example.test>")
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_body(("plain",)).get_content().strip() == MESSAGE.text
    assert message.get_body(("html",)).get_content().strip() == MESSAGE.html


def test_a_batch_goes_over_one_connection():
    connections = []

    class Counting(Mailbox):
        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            connections.append(hostname)
            session.host_name = hostname
            return responses

    box = Counting(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        with mail.connect(config(box.port)) as mailer:
            for n in range(3):
                mailer.send(mail.Mail(to=f"p{n}@example.test", subject="s", text="t", html="<p>h</p>"))
    finally:
        controller.stop()
    assert [m["To"] for m in box.messages] == ["p0@example.test", "p1@example.test", "p2@example.test"]
    assert len(connections) == 1


def test_unreachable_server_is_a_clear_error():
    port = free_port()  # nothing listens there
    with pytest.raises(mail.MailError) as caught, mail.connect(config(port)):
        pytest.fail("connected to a port where nothing listens")
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert "Nothing was sent" in str(caught.value)


def test_a_refused_recipient_does_not_end_the_batch():
    with smtp_server() as box:
        box.refuse.add("gone@example.test")
        with mail.connect(config(box.port)) as mailer:
            with pytest.raises(mail.RecipientRefused, match=r"gone@example\.test"):
                mailer.send(mail.Mail(to="gone@example.test", subject="s", text="t", html="h"))
            mailer.send(MESSAGE)
    assert [m["To"] for m in box.messages] == ["ana@example.test"]


def test_starttls_against_a_server_without_it_fails_before_sending():
    with (
        smtp_server() as box,
        pytest.raises(mail.MailError, match="Nothing was sent"),
        mail.connect(config(box.port, SMTP_STARTTLS="true")),
    ):
        pytest.fail("STARTTLS should have failed")
    assert box.messages == []


def _auth_server(box: Mailbox) -> Controller:
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"adkar" and auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)

    return Controller(
        box,
        hostname="127.0.0.1",
        port=box.port,
        authenticator=authenticator,
        auth_require_tls=False,
    )


@pytest.mark.parametrize(("password", "delivered"), [("s3cret", True), ("wrong", False)])
def test_login_with_the_configured_user(password, delivered):
    box = Mailbox(port=free_port())
    controller = _auth_server(box)
    controller.start()
    try:
        settings = config(box.port, SMTP_USERNAME="adkar", SMTP_PASSWORD=password)
        if delivered:
            with mail.connect(settings) as mailer:
                mailer.send(MESSAGE)
        else:
            with pytest.raises(mail.MailError, match="user name or password"), mail.connect(settings):
                pytest.fail("a wrong password should not connect")
    finally:
        controller.stop()
    assert len(box.messages) == (1 if delivered else 0)


def test_config_comes_from_the_app(app):
    with smtp_server() as box:
        app.config.update(SMTP_HOST=box.host, SMTP_PORT=box.port)
        with app.app_context(), mail.connect() as mailer:
            mailer.send(MESSAGE)
    assert box.messages[0]["From"] == app.config["SMTP_SENDER"]
