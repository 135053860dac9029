"""One error boundary for every page: a user's error is a message, a bug is a log entry and a short notice.

Streamlit's own control flow (st.stop, st.rerun, st.switch_page) passes through untouched: those are
BaseExceptions, not Exceptions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from components.shared.text import markdown_text
from core.errors import UserError

log = logging.getLogger("mlstudio")


@contextmanager
def error_boundary(doing: str) -> Iterator[None]:
    """Run a block; `doing` completes "Something went wrong while …" (e.g. "drawing the attractor").

    A UserError shows its own message (written for the user) as a warning. Anything else is logged
    with its traceback and shown as one line that says where the details are and what to try.
    """
    try:
        yield
    except UserError as exc:
        st.warning(markdown_text(str(exc)), icon=":material/warning:")
    except Exception:
        log.exception("error while %s", doing)
        show_bug_notice(doing)


def show_bug_notice(doing: str) -> None:
    st.error(
        f"Something went wrong while {doing}. The details are in the app's log. Try again, or reload the page.",
        icon=":material/error:",
    )
