"""Attractor explorer: a tiny tanh network fed its own output, its attractor, spectrum and class."""

import logging

import streamlit as st

from components.dynamics import state as keys
from components.shared.navigation import TOOLS
from components.shared.shell import session_settings

log = logging.getLogger(__name__)
TOOL = next(t for t in TOOLS if t.url_path == "attractors")

st.title(TOOL.title)
st.caption(
    "D inputs form a shift register y1..yD; N neurons compute xᵢ = tanh(Σⱼ wᵢⱼ yⱼ); the output "
    "y0 = Σᵢ bᵢ xᵢ is shifted back in. Weights: np.random.seed(seed); w = 2·random((N, D)) − 1; "
    "b = s·random(N) (after J.C. Sprott, *Artificial Neural Net Attractors*)."
)
keys.defaults()
keys.load_from_url()
notice = st.session_state.pop(keys.NOTICE, None)
if notice:
    st.warning(notice)

section = st.radio("Section", keys.SECTIONS, horizontal=True, key=keys.SECTION, label_visibility="collapsed")
try:
    if section == "Explore":
        from components.dynamics.explore import render_explore

        render_explore(session_settings())
    elif section == "Search":
        from components.dynamics.sweeps import render_search

        render_search()
    elif section == "Maps":
        from components.dynamics.sweeps import render_maps

        render_maps()
    else:
        from components.dynamics.about import render_about

        render_about()
except Exception:  # the page never shows a traceback; the log has it
    log.exception("Attractor explorer failed")
    st.error(
        "Something went wrong while computing this view (details are in the server log). "
        "Try other parameters or reload the page."
    )
