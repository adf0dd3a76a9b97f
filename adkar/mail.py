"""Sending email over SMTP: one connection per batch, plain text with an HTML alternative.

Configuration (ADKAR_ prefix in the environment): SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD,
SMTP_STARTTLS and SMTP_SENDER. Failures raise MailError with a message that is safe to show on a page:
RecipientRefused is final for that address, RecipientDeferred (a 4xx answer) is worth trying again later,
any other MailError means the connection itself is gone.

Every message says `Auto-Submitted: auto-generated` (RFC 3834) so out-of-office replies stay away; an
internationalised domain is sent in punycode, and a non-ASCII mailbox name needs a server offering SMTPUTF8.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
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
    """An open SMTP connection; `send` one message at a time, the connection closes with the block."""

    def __init__(self, smtp: smtplib.SMTP, sender: str) -> None:
        self._smtp = smtp
        self.sender = sender

    def send(self, mail: Mail) -> None:
        to = transport_address(mail.to)
        try:
            self._smtp.ehlo_or_helo_if_needed()
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"The connection to the mail server failed: {exc}") from exc
        if not to.isascii() and not self._smtp.has_extn("smtputf8"):
            raise RecipientRefused(
                f"{mail.to} has a non-ASCII mailbox name and the mail server does not offer SMTPUTF8."
            )
        message = build_message(mail, sender=self.sender)
        try:
            refused = self._smtp.send_message(message, to_addrs=[to])
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            if codes and all(400 <= code < 500 for code in codes):
                raise RecipientDeferred(f"The mail server deferred {mail.to} ({codes[0]}).") from exc
            raise RecipientRefused(f"The mail server refused {mail.to}.") from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise RecipientRefused(
                f"{mail.to} needs SMTPUTF8, which the mail server does not offer."
            ) from exc
        except smtplib.SMTPSenderRefused as exc:
            raise MailError(
                f"The mail server refused the sender address {self.sender} (check ADKAR_SMTP_SENDER)."
            ) from exc
        except smtplib.SMTPDataError as exc:
            if 500 <= exc.smtp_code < 600:
                raise RecipientRefused(f"The mail server refused the message to {mail.to}.") from exc
            raise RecipientDeferred(f"The mail server deferred the message ({exc.smtp_code}).") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"The connection to the mail server failed while sending: {exc}") from exc
        if refused:
            raise RecipientRefused(f"The mail server refused {mail.to}.")


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
