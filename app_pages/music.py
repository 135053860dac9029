"""Music recommender: pick seeds, tune filters and targets, get an explained playlist."""

import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import streamlit as st  # noqa: E402

from components.music.account import login_landing  # noqa: E402
from components.music.catalog import active_index, catalog_panel, how_to_get_a_catalog  # noqa: E402
from components.music.results import results_panel  # noqa: E402
from components.music.seeds import current_seeds, seeds_panel  # noqa: E402
from components.music.tuning import tuning_panel  # noqa: E402
from components.shared.shell import session_settings  # noqa: E402
from core.music.engine import EmptyPoolError, EngineError, Query  # noqa: E402

log = logging.getLogger(__name__)
RESULT = "music.result"

st.title("Music recommender")
st.write(
    "Pick up to five songs, artists or genres you like, set how energetic, danceable or fast the list "
    "should be, and get a playlist with the reason for every track."
)
login_landing()
settings = session_settings()
index = active_index(settings)
if index is None:
    how_to_get_a_catalog(settings)
catalog_panel(settings, index)
if index is None:
    st.stop()

with st.expander("How the recommendations are made", icon=":material/help:"):
    st.markdown(
        "Spotify retired its `/recommendations` endpoint for new apps in 2024, so this page uses an "
        "engine of its own over the catalog, shaped like the old API:\n"
        "1. **Candidate pool**: the nearest tracks to each seed on standardized audio features "
        "(FAISS), plus the seed artists' tracks and the seed genres' tracks closest to the seed.\n"
        "2. **Filters** (min / max) are hard: a track outside a range is never recommended. If they "
        "leave too few candidates, the search widens to every catalog track that passes.\n"
        "3. **Score** = similarity to the seeds (70 % sound, 20 % same genre, 10 % same artist) minus "
        "the average distance to your **targets** × target strength.\n"
        "4. Seeds and other versions of the same song (remaster, radio edit…) are removed; the list is "
        "picked by **MMR** (score vs. difference from tracks already picked) with a per-artist cap.\n"
        "Pool sizes are shown like Spotify did (initial, after filtering), and each track says why it "
        "is there."
    )

seeds_panel(settings, index)
seeds = current_seeds()
try:
    seed_values = index.seed_values(seeds)
except EngineError as exc:  # a seed from another catalog
    st.warning(f"{exc} Remove that seed.")
    seed_values = {}
tuning = tuning_panel(seed_values)
if st.button("Recommend", type="primary", icon=":material/queue_music:", disabled=not seeds, key="music.go"):
    query = Query(
        seeds=seeds,
        minimums=tuning.minimums,
        maximums=tuning.maximums,
        targets=tuning.targets,
        limit=tuning.limit,
        per_artist_cap=tuning.per_artist_cap,
        diversity=tuning.diversity,
        target_weight=tuning.target_weight,
    )
    st.session_state.pop(RESULT, None)
    try:
        with st.spinner("Finding tracks…"):
            st.session_state[RESULT] = index.recommend(query)
    except EmptyPoolError as exc:
        st.warning(str(exc), icon=":material/filter_alt_off:")
    except EngineError as exc:
        st.warning(str(exc), icon=":material/warning:")
    except Exception:  # a bug must not show a traceback to the user
        log.exception("recommendation failed")
        st.error("Something went wrong while recommending. The details are in the app's log.")
if not seeds:
    st.caption("Add at least one seed to get recommendations.")

result = st.session_state.get(RESULT)
if result is not None:
    results_panel(settings, index, result)
