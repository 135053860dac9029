"""The one guard every connection made for a user's URL goes through.

It checks the host name (port, label lengths, IDNA), resolves it once, checks EVERY address against
the policy and opens the socket to a checked address itself: nothing resolves the name a second time,
so a DNS answer that changes between the check and the connection (rebinding) cannot redirect it.
The HTTP clients built on it (core.net.requests_transport, core.net.ytdlp_handler) keep the original
name for the Host header and for TLS (SNI and certificate check).

Deployed, the policy allows public addresses only. Local (not deployed) use allows any address: the
user's own machine and LAN are theirs to fetch from, as with local files; names and ports are still
checked and errors are still short messages.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit

import idna

from core.errors import UserError
from core.net.policy import AddressPolicy, IPAddress, is_public_address

log = logging.getLogger(__name__)

Resolver = Callable[[str, int], Sequence[IPAddress]]
SocketOption = tuple[int, int, int | bytes]

SCHEMES = {"http": 80, "https": 443}
MAX_HOST = 253
MAX_LABEL = 63
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


class FetchRefused(UserError):
    """A URL or one of the connections made for it is not fetched; the message says why."""


NOT_FOUND_HINT = "Check the address, and that this machine is online."


class BadAddress(FetchRefused):
    """The URL or host name is malformed (scheme, port, label length, IDNA) or cannot be found."""


class HostNotFound(BadAddress):
    """The host name does not resolve: mistyped, or this machine is offline."""

    def __init__(self, host: str) -> None:
        super().__init__(f"The host {host} could not be found. {NOT_FOUND_HINT}")
        self.host = host


class BlockedAddress(FetchRefused):
    """The host resolves to an address the policy does not allow (the server's own network)."""


def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for `host`."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def normalize_host(host: str) -> str:
    """The ASCII (IDNA) form of a host name, or the IP literal; BadAddress when it is not a valid name."""
    host = host.strip()
    if not host:
        raise BadAddress("This address has no host name. Enter a full web address starting with http:// or https://.")
    if ip_literal(host) is not None:
        return host.strip("[]")
    name = host.rstrip(".").lower()
    if not name.isascii():
        try:
            name = idna.encode(name, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError) as exc:
            raise BadAddress("The host name is not a valid international domain name. Check the link.") from exc
    labels = name.split(".")
    if any(len(label) > MAX_LABEL for label in labels):
        raise BadAddress(f"A part of the host name is longer than {MAX_LABEL} characters. Check the link.")
    if len(name) > MAX_HOST:
        raise BadAddress(f"The host name is longer than {MAX_HOST} characters. Check the link.")
    if any(not label for label in labels) or not set(name) <= _HOST_CHARS:
        raise BadAddress("The host name has empty parts or characters a web address cannot have. Check the link.")
    return name


def split_url(url: str) -> tuple[SplitResult, str, int]:
    """(parts, ASCII host, port) of an http(s) URL; BadAddress for anything else."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # a bracketed host that is not an IPv6 address
        raise BadAddress("The host in this address is not valid. Check the link.") from exc
    if parts.scheme.lower() not in SCHEMES:
        raise BadAddress("Enter a full web address starting with http:// or https://.")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 0 < port < 65536:
        raise BadAddress("The port in this address is not a number from 1 to 65535. Check the link.")
    host = normalize_host(parts.hostname or "")
    return parts, host, port or SCHEMES[parts.scheme.lower()]


@dataclass
class FetchGuard:
    """Resolves, checks and connects for one piece of work (a link, a catalog download).

    `policy` None allows every address (local use); `refusals` keeps the message of each refusal, so
    the caller can tell the user why a fetch failed even when a library wrapped the error.
    """

    policy: AddressPolicy | None = is_public_address
    resolver: Resolver = system_resolver
    refusals: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def restricts(self) -> bool:
        return self.policy is not None

    def check_url(self, url: str) -> str:
        """The URL (stripped) when its host is well formed and, if the policy restricts, resolves to allowed
        addresses only. An early answer for the user; the connections are checked again by `connect`."""
        _parts, host, port = split_url(url)
        if self.restricts:
            self.addresses(host, port)
        return url.strip()

    def addresses(self, host: str, port: int) -> list[IPAddress]:
        """Resolve `host` once and check every address; BlockedAddress if any is not allowed."""
        try:
            return self._addresses(host, port)
        except FetchRefused as exc:
            with self._lock:
                self.refusals.append(str(exc))
            raise

    def _addresses(self, host: str, port: int) -> list[IPAddress]:
        if not 0 < port < 65536:
            raise BadAddress("The port in this address is not a number from 1 to 65535. Check the link.")
        host = normalize_host(host)
        literal = ip_literal(host)
        if literal is not None:
            found: Sequence[IPAddress] = [literal]
        else:
            try:
                found = self.resolver(host, port)
            except (UnicodeError, ValueError) as exc:
                raise BadAddress("The host name is not valid. Check the link.") from exc
            except OSError as exc:
                log.info("resolving %s failed: %s", host, exc)
                raise HostNotFound(host) from None
        if not found:
            raise HostNotFound(host)
        if self.policy is not None:
            denied = [address for address in found if not self.policy(address)]
            if denied:
                log.warning("refused a fetch of %s (resolves to %s)", host, ", ".join(map(str, denied)))
                raise BlockedAddress(
                    f"{host} is an address inside a private network. This server only fetches public web "
                    "addresses: use a public link, or upload the file instead."
                )
        return list(found)

    def connect(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        source_address: tuple[str, int] | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> socket.socket:
        """A TCP socket connected to a checked address of `host` (tried in resolver order)."""
        last_error: OSError | None = None
        for address in self.addresses(host, port):
            family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                for option in socket_options or ():
                    sock.setsockopt(*option)
                sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(_sockaddr(address, port))
            except OSError as exc:
                last_error = exc
                sock.close()
                continue
            return sock
        assert last_error is not None
        raise last_error


def _sockaddr(address: IPAddress, port: int) -> tuple[str, int] | tuple[str, int, int, int]:
    if isinstance(address, ipaddress.IPv6Address):
        scope = address.scope_id
        index = (int(scope) if scope.isdigit() else socket.if_nametoindex(scope)) if scope else 0
        return (str(ipaddress.IPv6Address(address.packed)), port, 0, index)
    return (str(address), port)


def guard_for(deployed: bool) -> FetchGuard:
    """A fresh guard for one piece of work: public addresses only when deployed, any address locally."""
    return FetchGuard(policy=is_public_address if deployed else None)
