"""Loopback servers playing "the public site" (127.0.0.1) and "the internal service" (127.0.0.2), a fake
DNS for the guard, and a process-wide audit of every name lookup and connection made during a test.

The audit also enforces the rule that tests never leave the machine: while a test runs, resolving a real
host name or connecting to anything but the loopback raises inside the call that tried.
"""

from __future__ import annotations

import io
import ipaddress
import math
import socket
import struct
import sys
import threading
import wave
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from core.net.guard import FetchGuard
from core.net.policy import IPAddress, is_public_address

PUBLIC_IP = "127.0.0.1"
INTERNAL_IP = "127.0.0.2"


def wav_bytes(seconds: float = 1.0, rate: int = 8000) -> bytes:
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(int(seconds * rate))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return out.getvalue()


WAV = wav_bytes()
SECRET_VTT = b"WEBVTT\n\n00:00.000 --> 00:03.000\nINTERNAL SECRET: the admin password is hunter2.\n"

Reply = tuple[int, dict[str, str], bytes]


@dataclass
class Site:
    """A loopback HTTP server that records every connection and request it receives."""

    ip: str
    routes: dict[str, Reply | Callable[[Site], Reply]] = field(default_factory=dict)
    connections: list[tuple[str, int]] = field(default_factory=list)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # method, path, Host header
    fallback: Reply | None = None
    server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.server_address[1])

    def reply(self, path: str) -> Reply:
        route = self.routes.get(path.split("?")[0])
        if route is None:
            return self.fallback or (404, {"Content-Type": "text/plain"}, b"not found")
        return route(self) if callable(route) else route


def _serve(site: Site) -> Site:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self, body: bool) -> None:
            site.requests.append((self.command, self.path, self.headers.get("Host", "")))
            status, headers, payload = site.reply(self.path)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if body:
                self.wfile.write(payload)

        def do_GET(self) -> None:
            self._answer(body=True)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def log_message(self, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def verify_request(self, request: Any, client_address: Any) -> bool:
            site.connections.append(client_address)
            return True

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client that hangs up early (yt-dlp reading only the headers) is not a failure here

    site.server = Server((site.ip, 0), Handler)
    threading.Thread(target=site.server.serve_forever, daemon=True).start()
    return site


@pytest.fixture()
def public() -> Iterator[Site]:
    site = _serve(Site(PUBLIC_IP))
    yield site
    assert site.server is not None
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture()
def internal() -> Iterator[Site]:
    """Answers anything with something a fetch would gladly use: a leak would become a transcript."""
    site = Site(INTERNAL_IP)
    site.routes = {
        "/secret.vtt": (200, {"Content-Type": "text/vtt"}, SECRET_VTT),
        "/secret.wav": (200, {"Content-Type": "audio/wav"}, WAV),
        "/seg0.ts": (200, {"Content-Type": "video/mp2t"}, WAV),
    }
    site.fallback = (200, {"Content-Type": "audio/wav"}, WAV)
    _serve(site)
    yield site
    assert site.server is not None
    site.server.shutdown()
    site.server.server_close()


class FakeDNS:
    """The guard's resolver: names map to a list of answers, one per lookup (the last one repeats)."""

    def __init__(self, names: dict[str, Sequence[Sequence[str]]]) -> None:
        self.names = names
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.lookups.append(host)
        answers = self.names.get(host)
        if answers is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = answers[min(self.lookups.count(host), len(answers)) - 1]
        return [ipaddress.ip_address(a) for a in answer]


def standard_dns() -> FakeDNS:
    return FakeDNS(
        {
            "public.example": [[PUBLIC_IP]],
            "cdn.public.example": [[PUBLIC_IP]],
            "internal.example": [[INTERNAL_IP]],
            "metadata.example": [["169.254.169.254"]],
            "mixed.example": [[PUBLIC_IP, INTERNAL_IP]],  # one bad address is enough to refuse
            "nat64.example": [["64:ff9b::7f00:2"]],
            "rebind.example": [[PUBLIC_IP], [INTERNAL_IP]],  # first answer public, every later one internal
        }
    )


def loopback_public_policy(address: IPAddress) -> bool:
    """The deployed policy, except that the public site's loopback address counts as public."""
    return address == ipaddress.ip_address(PUBLIC_IP) or is_public_address(address)


@pytest.fixture()
def dns() -> FakeDNS:
    return standard_dns()


@pytest.fixture()
def guard(dns: FakeDNS) -> FetchGuard:
    return FetchGuard(policy=loopback_public_policy, resolver=dns)


# --------------------------------------------------------------------------------------------------
# Process-wide audit: every lookup and connection while a test runs; anything off the loopback aborts.


@dataclass
class NetworkAudit:
    active: bool = False
    connects: list[Any] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)
    processes: list[str] = field(default_factory=list)


AUDIT = NetworkAudit()


def _loopback_or_numeric(host: object) -> bool:
    if host is None:
        return True
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(name)).is_loopback  # 2130706433, 0x7f.1, 127.1
    except OSError:
        return False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not AUDIT.active:
        return
    if event == "socket.getaddrinfo":
        AUDIT.lookups.append(str(args[0]))
        if not _loopback_or_numeric(args[0]):
            raise OSError(f"test network audit: refused to resolve {args[0]!r} (tests stay on the loopback)")
    elif event == "socket.connect" and isinstance(args[1], tuple):
        AUDIT.connects.append(args[1][:2])
        if not _loopback_or_numeric(args[1][0]):
            raise OSError(f"test network audit: refused to connect to {args[1]!r} (tests stay on the loopback)")
    elif event == "subprocess.Popen":
        AUDIT.processes.append(" ".join(map(str, [args[0], *(args[1] or [])])))


sys.addaudithook(_hook)


@pytest.fixture(autouse=True)
def network_audit() -> Iterator[NetworkAudit]:
    AUDIT.connects.clear()
    AUDIT.lookups.clear()
    AUDIT.processes.clear()
    AUDIT.active = True
    try:
        yield AUDIT
    finally:
        AUDIT.active = False
