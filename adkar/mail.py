"""Sending email over SMTP: one connection per batch, plain text with an HTML alternative.

Configuration (ADKAR_ prefix in the environment): SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD,
SMTP_STARTTLS and SMTP_SENDER. Failures raise MailError with a message that is safe to show on a page:
RecipientRefused is final for that address, RecipientDeferred (a 4xx answer) is worth trying again later,
any other MailError means the connection itself is gone.

Every message says `Auto-Submitted: auto-generated` (RFC 3834) so out-of-office replies stay away; an
internationalised domain is sent in punycode, and a non-ASCII mailbox name needs a server offering SMTPUTF8.
"""

from __future__ import annotations

import email.policy
import io
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email import generator
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import idna
from flask import current_app

DEFAULT_TIMEOUT_SECONDS = 30


class MailError(Exception):
    """Mail could not be sent; the message says why in words a practitioner can act on."""


class RecipientRefused(MailError):
    """The server refused this one address for good; the connection is still usable for the others."""


class RecipientDeferred(MailError):
    """The server answered 4xx for this message (mailbox busy, greylisting): try it again later."""


class DeliveryUncertain(MailError):
    """The connection broke after the message was handed over: it may have been delivered, so it must be
    reported, never sent again; the connection itself is gone."""


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str
    to_name: str = ""
    headers: tuple[tuple[str, str], ...] = ()


def transport_address(address: str) -> str:
    """The address as it goes on the wire: the domain in punycode (IDNA 2008), the mailbox name as given."""
    local, _, domain = address.strip().rpartition("@")
    if not local or not domain:
        return address.strip()
    try:
        ascii_domain = domain if domain.isascii() else idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        return address.strip()
    return f"{local}@{ascii_domain}"


def build_message(mail: Mail, *, sender: str) -> EmailMessage:
    """A standards-conforming message: From, To (with the name), Subject, Date, Message-ID,
    Auto-Submitted, any extra headers (List-Unsubscribe), text and HTML parts."""
    message = EmailMessage()
    message["From"] = sender
    to = transport_address(mail.to)
    local, _, domain = to.rpartition("@")
    message["To"] = Address(display_name=mail.to_name.strip(), username=local, domain=domain) if local else to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    for name, value in mail.headers:
        message[name] = value
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def _domain(sender: str) -> str | None:
    try:
        return Address(addr_spec=sender.strip().split("<")[-1].rstrip(">").strip()).domain or None
    except (ValueError, IndexError):
        return None


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


class Mailer:
    """An open SMTP connection; `send` one message at a time, the connection closes with the block.

    The SMTP dialogue is spelled out (MAIL, RCPT, DATA) rather than left to `send_message`, because where a
    fault happens decides what it means: before DATA nothing was handed over and trying again later is safe;
    once the message is being handed over, a broken connection or a timeout may follow a delivery, so it is
    DeliveryUncertain and must not be sent a second time.
    """

    def __init__(self, smtp: smtplib.SMTP, sender: str) -> None:
        self._smtp = smtp
        self.sender = sender

    def send(self, mail: Mail) -> None:
        smtp = self._smtp
        to = transport_address(mail.to)
        try:
            smtp.ehlo_or_helo_if_needed()
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"The connection to the mail server failed: {exc}") from exc
        international = not to.isascii()
        if international and not smtp.has_extn("smtputf8"):
            raise RecipientRefused(
                f"{mail.to} has a non-ASCII mailbox name and the mail server does not offer SMTPUTF8."
            )
        data = _wire_bytes(build_message(mail, sender=self.sender), international=international)
        options = ["SMTPUTF8", "BODY=8BITMIME"] if international else []
        try:
            code, _ = smtp.mail(self.sender, options)
            if code != 250:
                _reset(smtp)
                raise MailError(
                    f"The mail server refused the sender address {self.sender} ({code}; check "
                    "ADKAR_SMTP_SENDER)."
                )
            code, _ = smtp.rcpt(to)
            if code not in (250, 251):
                _reset(smtp)
                if 400 <= code < 500:
                    raise RecipientDeferred(f"The mail server deferred {mail.to} ({code}).")
                raise RecipientRefused(f"The mail server refused {mail.to}.")
        except MailError:
            raise
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"The connection to the mail server failed while sending: {exc}") from exc
        try:
            smtp.data(data)
        except smtplib.SMTPDataError as exc:  # an explicit answer: nothing was accepted
            _reset(smtp)
            if 500 <= exc.smtp_code < 600:
                raise RecipientRefused(f"The mail server refused the message to {mail.to}.") from exc
            raise RecipientDeferred(f"The mail server deferred the message ({exc.smtp_code}).") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryUncertain(
                "The connection broke while the message was handed over; it may have arrived, so it is not "
                f"sent again ({exc or type(exc).__name__})."
            ) from exc


def _reset(smtp: smtplib.SMTP) -> None:
    """Abandon the current message so the connection can carry the next (RSET); a dead one fails later."""
    with suppress(smtplib.SMTPException, OSError):
        smtp.rset()


def _wire_bytes(message: EmailMessage, *, international: bool) -> bytes:
    """The message as smtplib's send_message would put it on the wire (UTF-8 headers only with SMTPUTF8)."""
    buffer = io.BytesIO()
    policy = email.policy.SMTPUTF8 if international else email.policy.SMTP
    generator.BytesGenerator(buffer, policy=policy).flatten(message, linesep="\r\n")
    return buffer.getvalue()


@contextmanager
def connect(config: Mapping[str, Any] | None = None) -> Iterator[Mailer]:
    """One SMTP connection (STARTTLS and login when configured) for a whole batch of messages."""
    config = config if config is not None else current_app.config
    host, port = config["SMTP_HOST"], config["SMTP_PORT"]
    timeout = float(config.get("SMTP_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))
    try:
        smtp = smtplib.SMTP(host, int(port), timeout=timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(
            f"Cannot reach the mail server at {host}:{port} ({exc}). Nothing was sent; "
            "check ADKAR_SMTP_HOST and ADKAR_SMTP_PORT or try again later."
        ) from exc
    try:
        try:
            if _flag(config.get("SMTP_STARTTLS")):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(
                "The mail server refused the user name or password (ADKAR_SMTP_USERNAME, "
                "ADKAR_SMTP_PASSWORD). Nothing was sent."
            ) from exc
        except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
            raise MailError(
                f"Setting up the connection to the mail server failed ({exc}). Nothing was sent."
            ) from exc
        yield Mailer(smtp, str(config["SMTP_SENDER"]))
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
