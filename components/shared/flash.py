"""One flash helper: a message queued now and shown once on the next run (after st.rerun or a callback)."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from components.shared.text import markdown_text

FlashKind = Literal["success", "info", "warning", "error"]


def _key(scope: str) -> str:
    return f"{scope}.flash"


def flash(scope: str, kind: FlashKind, message: str) -> None:
    """Queue `message` for the page `scope` (a tool's state prefix, e.g. "videos")."""
    st.session_state.setdefault(_key(scope), []).append((kind, message))


def show_flashes(scope: str) -> None:
    """Draw and forget the queued messages of `scope`, oldest first.

    They sit in a container drawn on every run, so the widgets below keep their place in the page: when a
    message goes away on the next run, tabs below it are not rebuilt (and not reset to their first tab).
    """
    with st.container():
        for kind, message in st.session_state.pop(_key(scope), []):
            show_message(kind, message)


def show_message(kind: FlashKind, message: str) -> None:
    """Draw a plain-text message (it may quote a title, a file name or a URL: shown as typed)."""
    {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}[kind](markdown_text(message))
