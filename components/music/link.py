"""The music view in the URL: catalog, seeds, filters, targets, list size and variety, and whether a
list was shown. Read back on a reload, a shared link or Back/Forward; the list itself is then
recomputed (the engine is deterministic), so a copied link shows the same playlist.
"""

from __future__ import annotations

import streamlit as st

from components.music.state import LIMIT, SCOPE, MusicState, music_state
from components.music.tuning import show_in_widgets
from components.shared.flash import flash
from components.shared.session import url_changes, write_url
from core.music.engine import CatalogIndex
from core.music.link import PARAMS, MusicLink, Tuning, decode_link, encode_link
from core.music.seeds import resolve_seeds


def link_in_url() -> MusicLink | None:
    """The view the URL describes when it is not what this session wrote (reload, shared link, Back).

    None: the widgets are in charge. Coming back from another page (the menu drops the query string
    and this page's widgets) keeps this session's view rather than resetting it.
    """
    params = url_changes(SCOPE, PARAMS)
    if params is None:
        return None
    if not params and LIMIT not in st.session_state:
        return music_state().link()
    link, problems = decode_link(params)
    for problem in problems:
        flash(SCOPE, "warning", f"{problem} The rest of the link was used.")
    return link


def restore_link(index: CatalogIndex, state: MusicState, link: MusicLink | None) -> None:
    """Put the link's seeds and tuning in the state and the widgets; its list is made again below."""
    if link is None:
        return
    seeds, problems = resolve_seeds(index, link.seeds)
    for problem in problems:
        flash(SCOPE, "warning", problem)
    state.set_seeds(seeds)
    state.tuning = link.tuning
    if link.tuning != Tuning() or LIMIT in st.session_state:  # new widgets start at the defaults anyway
        show_in_widgets(link.tuning)
    if not link.listed:
        state.forget_result()
    state.recompute = link.listed and bool(seeds) and not state.listed


def write_link(state: MusicState) -> None:
    write_url(SCOPE, PARAMS, encode_link(state.link()))
