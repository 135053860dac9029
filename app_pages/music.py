"""Music recommender: pick seeds, tune filters and targets, get an explained playlist."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import streamlit as st  # noqa: E402

from components.music.account import login_landing  # noqa: E402
from components.music.catalog import active_index, catalog_panel, how_to_get_a_catalog  # noqa: E402
from components.music.link import link_in_url, restore_link, write_link  # noqa: E402
from components.music.recommend import how_it_works, recommend_button  # noqa: E402
from components.music.results import results_panel  # noqa: E402
from components.music.seeds import seed_averages, seeds_panel  # noqa: E402
from components.music.state import SCOPE, music_state  # noqa: E402
from components.music.tuning import tuning_panel  # noqa: E402
from components.shared.errors import error_boundary  # noqa: E402
from components.shared.flash import show_flashes  # noqa: E402
from components.shared.shell import session_settings  # noqa: E402

st.title("Music recommender")
st.write(
    "Pick up to five songs, artists or genres you like, set how energetic, danceable or fast the list "
    "should be, and get a playlist with the reason for every track."
)
with error_boundary("showing the music recommender"):
    login_landing()
    settings = session_settings()
    state = music_state()
    link = link_in_url()  # None unless the URL changed: a reload, a shared link, Back / Forward
    index = active_index(settings, state, link.catalog if link else None)
    if index is None:
        show_flashes(SCOPE)  # the seeds panel shows them otherwise, and with no catalog it is not drawn
        how_to_get_a_catalog(settings)
    catalog_panel(settings, index, state)
    if index is None:
        st.stop()

    how_it_works()
    restore_link(index, state, link)
    seeds = seeds_panel(settings, index, state)
    tuning = tuning_panel(seed_averages(index, seeds))
    recommend_button(index, state, tuning)
    write_link(state)
    results_panel(settings, index, state)
