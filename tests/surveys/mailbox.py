"""A real SMTP server for tests (aiosmtpd on 127.0.0.1): it keeps what it receives and can refuse addresses."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s<>\"]+/s/([A-Za-z0-9_-]+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mailbox:
    """What the server received. Addresses in `refuse` get a permanent 550 at RCPT TO, those in `defer` a
    450 as many times as their count says; after `drop_after` accepted messages the server drops the
    connection in the middle of the next DATA (that message is lost, as with a real crash)."""

    host: str = "127.0.0.1"
    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    defer: dict[str, int] = field(default_factory=dict)
    drop_after: int | None = None
    delay: float = 0.0  # seconds the server takes to accept each message (a slow relay)
    envelopes: list[list[str]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        if self.defer.get(address.lower(), 0) > 0:
            self.defer[address.lower()] -= 1
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            self.drop_after = None
            server.transport.close()
            return "421 4.3.0 Closing"
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.messages.append(message)
        self.envelopes.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def addresses(self) -> list[str]:
        """The address part of each received message's To header."""
        return [m["To"].addresses[0].addr_spec for m in self.messages]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"].addresses[0].addr_spec == address]

    @staticmethod
    def token(message: EmailMessage) -> str:
        """The personal token in the message's plain-text part (the HTML part must carry the same)."""
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        tokens = set(LINK.findall(text))
        assert len(tokens) == 1, text
        assert tokens == set(LINK.findall(html)), "the HTML part carries another link"
        return tokens.pop()


@contextmanager
def smtp_server(*, smtputf8: bool = True) -> Iterator[Mailbox]:
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port, enable_SMTPUTF8=smtputf8)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
