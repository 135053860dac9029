"""One session memo: a value computed once per session for a given signature (its inputs).

For per-user results that are cheap to keep but costly to redo on every rerun. Values shared by
every session belong in a tool's resources.py (st.cache_*) instead.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


def session_memo(key: str, signature: Hashable, compute: Callable[[], T]) -> T:
    """The value stored under `key` if it was computed for `signature`, else `compute()` stored anew."""
    stored = st.session_state.get(key)
    if stored is not None and stored[0] == signature:
        return stored[1]
    value = compute()
    st.session_state[key] = (signature, value)
    return value


def memo_value(key: str, signature: Hashable) -> object | None:
    """The stored value if it was computed for `signature`, else None (nothing is computed)."""
    stored = st.session_state.get(key)
    return stored[1] if stored is not None and stored[0] == signature else None


def forget(key: str) -> None:
    st.session_state.pop(key, None)
