"""Music page: optional Spotify user login (top tracks as seeds, save the list as a playlist)."""

from __future__ import annotations

import streamlit as st

from components.music.spotify import log_out, user_session
from components.music.state import (
    FINISH_LOGIN,
    LOGIN_CODE,
    LOGOUT,
    PLAYLIST_NAME,
    SAVE_PLAYLIST,
    SCOPE,
    TOP_TRACKS,
    add_to_seeds,
)
from components.shared.flash import flash
from components.shared.text import markdown_text
from core.config import Settings
from core.music.engine import CatalogIndex, Recommendations
from core.music.seeds import pick_spotify_track
from core.music.spotify import ALLOW_LIST_NOTE, SpotifyError


def login_landing() -> None:
    """Spotify redirected this tab back with ?code=…: tell the user to paste it in the first tab."""
    params = st.query_params
    if "error" in params:
        st.warning(
            f"Spotify did not log you in ({params['error']}). For a development-mode app only "
            "allow-listed users can log in.",
            icon=":material/lock:",
        )
    elif "code" in params:
        st.info(
            "Spotify sent you back with a login code. Copy this whole address, or the code below, into "
            "the **Finish login** box in the tab where you clicked “Log in to Spotify” (a new tab does "
            "not share that tab's session or keys).",
            icon=":material/key:",
        )
        st.code(params["code"], language=None)


def account_panel(settings: Settings, index: CatalogIndex) -> None:
    session = user_session(settings)
    if session is None:
        return
    with st.expander("Your Spotify account (optional)", icon=":material/account_circle:"):
        st.caption(ALLOW_LIST_NOTE.format(redirect_uri=settings.spotify_redirect_uri))
        if not session.logged_in:
            st.link_button("Log in to Spotify", session.authorize_url(), icon=":material/login:")
            pasted = st.text_input(
                "Finish login: paste the address Spotify sent you to (or just its code)",
                key=LOGIN_CODE,
                type="password",
            )
            if pasted and st.button("Finish login", key=FINISH_LOGIN):
                try:
                    name = session.complete_login(pasted)
                except SpotifyError as exc:
                    st.error(markdown_text(str(exc)), icon=":material/lock:")
                else:
                    st.success(f"Logged in as {markdown_text(name)}.")
                    st.rerun()
            return
        st.markdown(f"Logged in as **{markdown_text(session.display_name or '')}**.")
        left, right = st.columns(2)
        if left.button("Use my top tracks as seeds", key=TOP_TRACKS, icon=":material/trending_up:"):
            try:
                top = session.top_tracks(limit=5)
            except SpotifyError as exc:
                st.error(markdown_text(str(exc)))
            else:
                if not top:
                    flash(SCOPE, "info", "Spotify has no top tracks for you yet.")
                for track in top:
                    add_to_seeds(pick_spotify_track(index, track))
                st.rerun()
        if right.button("Log out", key=LOGOUT, icon=":material/logout:"):
            log_out()
            st.rerun()


def save_playlist_panel(settings: Settings, result: Recommendations) -> None:
    session = user_session(settings)
    if session is None or not session.logged_in:
        return
    name = st.text_input("Playlist name", value="ML Studio recommendations", key=PLAYLIST_NAME)
    if st.button("Save as a private Spotify playlist", key=SAVE_PLAYLIST, icon=":material/playlist_add:"):
        seeds = ", ".join(seed.label for seed in result.seeds)
        try:
            url = session.save_playlist(name, list(result.tracks["track_id"]), f"Made by ML Studio from: {seeds}")
        except SpotifyError as exc:
            st.error(markdown_text(str(exc)))
        else:
            st.success(f"Saved {len(result.tracks)} tracks as a private playlist.")
            if url.startswith("https://open.spotify.com/"):
                st.link_button("Open the playlist in Spotify", url, icon=":material/open_in_new:")
