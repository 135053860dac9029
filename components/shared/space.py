"""This session's owner space: shared when local, the signed-in account's or this browser's when deployed.

A browser keeps its space key in a cookie (read by the server when the session starts, set by a script in
the page). The private link `?space=<key>` opens the same space in another browser and is removed from
the address bar at once, so links a user copies later (a video, a playlist) never carry the key.
"""

from __future__ import annotations

import json
import logging

import streamlit as st

from components.shared.text import markdown_text
from core.config import Settings
from core.spaces import Space, account_space, browser_space, is_space_key, new_space_key, shared_space

log = logging.getLogger(__name__)

SPACE = "shell.space"
SPACE_TO_REMEMBER = "shell.space_to_remember"
SPACE_COOKIE = "mlstudio_space"
SPACE_PARAM = "space"
SIGN_IN = "shell.sign_in"
SIGN_OUT = "shell.sign_out"
COOKIE_DAYS = 400  # the longest lifetime browsers allow


def owner_space(settings: Settings) -> Space:
    """The space whose library, study progress, catalogs, uploads and datasets this session uses."""
    if not settings.deployed:
        return shared_space(settings.data_dir)
    account = _signed_in_account(settings)
    if account is not None:
        return account
    key = st.session_state.get(SPACE)
    linked = st.query_params.get(SPACE_PARAM)
    if linked is not None:
        del st.query_params[SPACE_PARAM]
        if is_space_key(linked):
            key = linked
            st.session_state[SPACE_TO_REMEMBER] = key
        else:
            st.warning("That private link is not complete: copy the whole link from the Private space panel.")
    if key is None:
        remembered = st.context.cookies.get(SPACE_COOKIE)
        key = remembered if is_space_key(remembered) else None
        if key is None:
            key = new_space_key()
            st.session_state[SPACE_TO_REMEMBER] = key
    st.session_state[SPACE] = key
    return browser_space(settings.data_dir, key)


def sign_in_configured() -> bool:
    """True when secrets.toml has an [auth] section for st.login (OIDC)."""
    from streamlit.auth_util import get_secrets_auth_section

    try:
        return bool(get_secrets_auth_section())
    except Exception:  # a broken secrets.toml: Streamlit reports it itself; the app runs without sign-in
        log.warning("could not read the [auth] section of secrets.toml", exc_info=True)
        return False


def _signed_in_account(settings: Settings) -> Space | None:
    if not sign_in_configured() or not st.user.is_logged_in:
        return None
    subject = str(st.user.get("sub") or st.user.get("email") or "")
    if not subject:
        return None
    return account_space(settings.data_dir, str(st.user.get("iss") or ""), subject)


def space_panel(settings: Settings) -> None:
    """Sidebar panel of a deployment: whose space this is, how to get back to it, sign in and out."""
    if not settings.deployed:
        return
    space = owner_space(settings)
    _remember_in_browser(st.session_state.pop(SPACE_TO_REMEMBER, None))
    if space.kind == "account":
        who = st.user.get("email") or st.user.get("name") or "your account"
        st.caption(
            markdown_text(f"Signed in as {who}: your videos, study progress, catalogs and datasets are this account's.")
        )
        if st.button("Sign out", key=SIGN_OUT, icon=":material/logout:"):
            st.logout()
        return
    if sign_in_configured():
        if st.button("Sign in", key=SIGN_IN, icon=":material/login:"):
            st.login()
        st.caption("Sign in to keep your work with your account, or go on in this browser's private space.")
    with st.expander("Private space", icon=":material/lock:"):
        st.caption(
            "Your videos, study progress, catalogs and datasets are private to this browser: other visitors "
            "never see them. To open them in another browser or after clearing cookies, keep this private "
            "link (anyone who has it sees your space):"
        )
        base = (st.context.url or "").split("?", 1)[0]
        st.code(f"{base}?{SPACE_PARAM}={st.session_state[SPACE]}", language=None, wrap_lines=True)


def _remember_in_browser(key: str | None) -> None:
    if key is None:
        return
    cookie = json.dumps(f"{SPACE_COOKIE}={key}; Max-Age={COOKIE_DAYS * 86400}; Path=/; SameSite=Strict")
    st.html(
        f"<script>document.cookie = {cookie} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )
