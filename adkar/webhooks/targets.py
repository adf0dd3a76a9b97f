"""Which URLs an endpoint may have, and where a delivery may connect (SSRF defence).

http(s) only; https in production unless ADKAR_WEBHOOKS_ALLOW_HTTP. No address that is private, loopback,
link-local, multicast or otherwise not global (cloud metadata at 169.254.169.254, the database next door)
unless ADKAR_WEBHOOKS_ALLOW_PRIVATE_TARGETS. A host name is resolved at every attempt and the connection
goes to the address that was checked, so a name that resolves differently the second time (DNS rebinding)
cannot slip past.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The URL or the address it resolves to is not allowed; the message says why."""


@dataclass(frozen=True)
class Target:
    """Where to connect: the checked address, and the names the request must carry (Host, TLS SNI)."""

    url: str  # the URL with the checked address in place of the host name
    host_header: str
    server_name: str | None  # for TLS: the certificate is checked against this name


def _allows_http(config: Mapping[str, Any]) -> bool:
    return bool(config.get("DEBUG") or config.get("TESTING") or config.get("WEBHOOKS_ALLOW_HTTP"))


def _parts(url: str):
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused("The URL is not valid.") from exc
    return parts, port


def url_problem(url: str, config: Mapping[str, Any]) -> str | None:
    """Why `url` cannot be an endpoint's URL, or None. Checks what can be checked without the network: a
    host given as an address is checked here too; a name is checked when it is resolved, at each attempt."""
    try:
        parts, _ = _parts(url)
    except TargetRefused as exc:
        return str(exc)
    if parts.scheme not in ("http", "https"):
        return "The URL must start with https:// (or http://)."
    if parts.scheme == "http" and not _allows_http(config):
        return "The URL must use https:// (set ADKAR_WEBHOOKS_ALLOW_HTTP to allow http://)."
    if not parts.hostname:
        return "The URL has no host."
    if parts.username is not None or parts.password is not None:
        return "Leave credentials out of the URL: receivers check the signature instead."
    if parts.fragment:
        return "The URL cannot have a #fragment."
    address = _literal(parts.hostname)
    if address is not None and not _address_allowed(address, config):
        return _private_message(address)
    return None


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _address_allowed(address: IPAddress, config: Mapping[str, Any]) -> bool:
    if config.get("WEBHOOKS_ALLOW_PRIVATE_TARGETS"):
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _private_message(address: IPAddress) -> str:
    return (
        f"The address {address} is private, loopback or reserved; webhooks are not sent there "
        "(set ADKAR_WEBHOOKS_ALLOW_PRIVATE_TARGETS to allow it)."
    )


def resolve(url: str, config: Mapping[str, Any]) -> Target:
    """The address to connect to for `url`, checked; TargetRefused when the URL or every address is refused,
    OSError when the name does not resolve (a network error: tried again later)."""
    problem = url_problem(url, config)
    if problem:
        raise TargetRefused(problem)
    parts, port = _parts(url)
    host = parts.hostname or ""
    port = port or (443 if parts.scheme == "https" else 80)
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    refused = [a for a in addresses if not _address_allowed(a, config)]
    if refused:  # any private answer refuses the name: a mixed answer is how rebinding attacks look
        raise TargetRefused(_private_message(refused[0]))
    address = addresses[0]
    shown = f"[{address}]" if isinstance(address, ipaddress.IPv6Address) else str(address)
    netloc = f"{shown}:{parts.port}" if parts.port else shown
    pinned = parts._replace(netloc=netloc).geturl()
    host_header = parts.netloc
    return Target(url=pinned, host_header=host_header, server_name=host if parts.scheme == "https" else None)
