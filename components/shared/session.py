"""One typed state object per tool under one session key, and its link in the URL.

Each tool's state.py defines a dataclass for what the user is doing and calls `tool_state` to get
this session's instance. What a user would want after a reload or in a shared link is also written
to `st.query_params` (Streamlit pushes a browser history entry for each change, so Back steps
through them) and read back by `url_changes` when the URL is not what this session last wrote: a
fresh session (reload, shared link) or Back/Forward.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


def tool_state(key: str, factory: Callable[[], T]) -> T:
    """This session's state object for a tool, created by `factory` on first use."""
    if key not in st.session_state:
        st.session_state[key] = factory()
    return st.session_state[key]


CURRENT_PAGE = "shell.current_page"
PAGE_ENTERED = "shell.page_entered"


def note_page(url_path: str) -> None:
    """Router: remember which page this run shows, and whether the user has just come to it from another."""
    state = st.session_state
    state[PAGE_ENTERED] = state.get(CURRENT_PAGE) != url_path
    state[CURRENT_PAGE] = url_path


def page_just_entered() -> bool:
    return bool(st.session_state.get(PAGE_ENTERED, False))


def _written_key(scope: str) -> str:
    return f"{scope}.url_written"


def url_values(names: Iterable[str]) -> dict[str, str]:
    return {name: st.query_params[name] for name in names if name in st.query_params}


def url_changes(scope: str, names: Iterable[str]) -> dict[str, str] | None:
    """The URL's values of `names` if they are not what this session last wrote there, else None.

    None means "the widgets are in charge"; a dict (maybe empty) means "restore from the URL": the
    first run of a session (reload or a shared link) or a Back/Forward step.
    """
    current = url_values(names)
    written = st.session_state.get(_written_key(scope))
    if written == current:
        return None
    if not current and written is not None and page_just_entered():
        # Back on this page through the menu: Streamlit drops the query string (and this page's
        # widget values) on a page switch, so the session's own last view is restored and written
        # back; a bare URL on the same page (Back to the first visit) still restores the defaults.
        return dict(written)
    # Taken now: a rerun that starts before this run has written the URL must not restore it again
    # over what the user has done since.
    st.session_state[_written_key(scope)] = current
    return current


def write_url(scope: str, names: Iterable[str], values: Mapping[str, str]) -> None:
    """Make the URL hold exactly `values` for `names` (other parameters untouched); no-op if it already does."""
    names = list(names)
    wanted = {name: values[name] for name in names if name in values}
    st.session_state[_written_key(scope)] = wanted
    if url_values(names) == wanted:
        return
    others = {key: st.query_params[key] for key in st.query_params if key not in names}
    st.query_params.from_dict({**others, **wanted})  # one change, so one history entry
