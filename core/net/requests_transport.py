"""A `requests` session whose every connection (the URL and each redirect hop) goes through a FetchGuard."""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

from core.net.guard import BlockedAddress, FetchGuard
from core.net.pinned import pool_classes


class GuardedAdapter(HTTPAdapter):
    """An HTTPAdapter whose pools connect through `guard`; proxies are refused (they would fetch unchecked)."""

    def __init__(self, guard: FetchGuard, **kwargs: Any) -> None:
        self.guard = guard
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = pool_classes(self.guard)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        raise BlockedAddress("Fetches for a user's link do not go through a proxy.")


def guarded_session(guard: FetchGuard) -> requests.Session:
    """A session for fetching a user's URL: guarded adapters only, no proxies or .netrc from the environment."""
    session = requests.Session()
    session.trust_env = False
    session.adapters.clear()
    adapter = GuardedAdapter(guard)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
