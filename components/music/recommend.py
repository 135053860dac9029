"""Music page: how the list is made, and the Recommend button (also run for a restored link)."""

from __future__ import annotations

import streamlit as st

from components.music.state import RECOMMEND, MusicState
from components.music.tuning import Tuning
from components.shared.errors import error_boundary
from core.music.engine import CatalogIndex, EmptyPoolError

HOW_IT_WORKS = (
    "Spotify retired its `/recommendations` endpoint for new apps in 2024, so this page uses an "
    "engine of its own over the catalog, shaped like the old API:\n"
    "1. **Candidate pool**: the nearest tracks to each seed on standardized audio features "
    "(FAISS), plus the seed artists' tracks and the seed genres' tracks closest to the seed.\n"
    "2. **Filters** (min / max) are hard: a track outside a range is never recommended. If they "
    "leave too few candidates, the search widens to every catalog track that passes.\n"
    "3. **Match** = similarity to the seeds (per seed 70 % sound, 20 % same genre, 10 % same artist; "
    "half the best seed's, half the seeds' average) minus "
    "the average distance to your **targets** × target strength.\n"
    "4. Seeds and other versions of the same song (live, remaster, radio edit, feat.…) are removed "
    "(switch this off to keep them); the list is picked by **MMR** (match vs. difference from tracks "
    "already picked) with caps per artist and per album. So a track can sit above one with a higher "
    "match: its **Rank reason** says why.\n"
    "Pool sizes are shown like Spotify did (initial, after filtering), and each track says why it "
    "is there."
)


def how_it_works() -> None:
    with st.expander("How the recommendations are made", icon=":material/help:"):
        st.markdown(HOW_IT_WORKS)


def recommend_button(index: CatalogIndex, state: MusicState, tuning: Tuning) -> None:
    """The Recommend button; the list is made when it is pressed or a restored link showed one."""
    state.tuning = tuning
    pressed = st.button(
        "Recommend", type="primary", icon=":material/queue_music:", disabled=not state.seeds, key=RECOMMEND
    )
    if pressed or state.recompute:
        state.recompute = False
        state.forget_result()
        with error_boundary("recommending"):
            try:
                with st.spinner("Finding tracks…"):
                    state.set_result(index.recommend(tuning.query(state.seeds)))
            except EmptyPoolError as exc:
                st.warning(str(exc), icon=":material/filter_alt_off:")
    if not state.seeds:
        st.caption("Add at least one seed to get recommendations.")
