"""Attractor explorer: a tiny tanh network fed its own output, its attractor, spectrum and class."""

import streamlit as st

from components.dynamics import resources as dynamics_resources
from components.dynamics.sections import section_picker
from components.dynamics.state import SCOPE, attractor_state, publish
from components.shared.errors import error_boundary
from components.shared.flash import show_flashes
from components.shared.navigation import TOOLS
from components.shared.shell import session_settings
from core.dynamics.link import Section

TOOL = next(t for t in TOOLS if t.url_path == "attractors")

st.title(TOOL.title)
st.write(
    "A tiny neural network that is fed its own output, over and over: depending on four numbers it "
    "settles to a point, loops, winds around a curve or turns chaotic. Pick one and see the shape it "
    "draws and how chaotic it is."
)
with st.expander("The network, in formulas"):
    st.markdown(
        "D inputs form a shift register y1..yD; N neurons compute xᵢ = tanh(Σⱼ wᵢⱼ yⱼ); the output "
        "y0 = Σᵢ bᵢ xᵢ is shifted back in. Weights: np.random.seed(seed); w = 2·random((N, D)) − 1; "
        "b = s·random(N) (after J.C. Sprott, *Artificial Neural Net Attractors*)."
    )
state = attractor_state()  # the URL's network, view and section on a reload, a shared link or Back
show_flashes(SCOPE)
state.section = section_picker(state.section)

with error_boundary("computing this view"):
    if state.section is Section.EXPLORE:
        from components.dynamics.explore import (
            attractor_picture,
            explore_controls,
            numbers_placeholder,
            spectrum_and_class,
        )

        with st.spinner("Measuring the presets (the first visit also compiles the engine)..."):
            labels = dynamics_resources.preset_labels()
        preset_area = st.container()
        controls, picture, numbers = st.columns([1.0, 2.2, 1.5], gap="medium")
        with controls:
            state.explore = explore_controls(state.explore, labels, preset_area)
        publish(state)
        with numbers:
            pending = numbers_placeholder()  # says what comes while the picture is computed
        with picture:
            attractor_picture(state.explore, session_settings())
        with numbers:
            pending.empty()
            spectrum_and_class(state.explore)
    else:
        publish(state)
        if state.section is Section.SEARCH:
            from components.dynamics.sweeps import search_section

            search_section(state)
        elif state.section is Section.MAPS:
            from components.dynamics.sweeps import maps_section

            maps_section(state)
        else:
            from components.dynamics.about import render_about

            render_about()
