"""An httpx transport whose every connection goes through the fetch guard (the OpenAI SDK uses httpx2,
the httpx fork it ships with; langchain-openai hands the client on to it).

httpx hands the connecting to httpcore's network backend; this backend asks the guard for a socket to a
checked address (resolved once, pinned), and httpcore then speaks TLS over it with the original name
(SNI and certificate check). The client ignores proxy variables, so nothing bypasses the guard.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import httpcore2 as httpcore
import httpx2 as httpx
from httpcore2._backends.sync import SyncStream

from core.net.guard import BadAddress, FetchGuard


class _GuardedBackend(httpcore.NetworkBackend):
    def __init__(self, guard: FetchGuard) -> None:
        self._guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        source = (local_address, 0) if local_address else None
        sock = self._guard.connect(host, port, timeout=timeout, source_address=source, socket_options=socket_options)
        return SyncStream(sock)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise BadAddress("Only http and https addresses are fetched.")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, guard: FetchGuard, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # HTTPTransport builds its httpcore pool with the default network backend; same pool, guarded backend.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_GuardedBackend(guard)
        )


def guarded_client(guard: FetchGuard, timeout: float) -> httpx.Client:
    """An httpx client for one user-given server: every connection checked and pinned, no env proxies."""
    return httpx.Client(transport=GuardedTransport(guard), timeout=timeout, trust_env=False, follow_redirects=False)
