"""urllib3 connection pools whose sockets come from a FetchGuard (checked and pinned addresses).

Only the socket is replaced: urllib3 still sends the original name in the Host header and uses it for
TLS (SNI and certificate hostname check), since the pool's host stays the name from the URL.
"""

from __future__ import annotations

import socket
import sys

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from core.net.guard import FetchGuard


class PinnedHTTPConnection(HTTPConnection):
    guard: FetchGuard  # set on the per-guard subclass made by pool_classes

    def _new_conn(self) -> socket.socket:
        timeout = socket.getdefaulttimeout() if self.timeout is _DEFAULT_TIMEOUT else self.timeout
        try:
            sock = self.guard.connect(
                self._dns_host,
                self.port,
                timeout=timeout,
                source_address=self.source_address,
                socket_options=self.socket_options,
            )
        except TimeoutError as exc:
            raise ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. (connect timeout={timeout})"
            ) from exc
        except OSError as exc:
            raise NewConnectionError(self, f"Failed to establish a new connection: {exc}") from exc
        sys.audit("http.client.connect", self, self.host, self.port)
        return sock


class PinnedHTTPSConnection(PinnedHTTPConnection, HTTPSConnection):
    pass


def pool_classes(guard: FetchGuard) -> dict[str, type[HTTPConnectionPool]]:
    """Pool classes for a urllib3 PoolManager's `pool_classes_by_scheme`, bound to `guard`."""

    class GuardedHTTPConnection(PinnedHTTPConnection):
        pass

    class GuardedHTTPSConnection(PinnedHTTPSConnection):
        pass

    GuardedHTTPConnection.guard = guard
    GuardedHTTPSConnection.guard = guard

    class GuardedHTTPConnectionPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    return {"http": GuardedHTTPConnectionPool, "https": GuardedHTTPSConnectionPool}
