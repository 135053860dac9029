"""The About section: what is computed and how, in words."""

from __future__ import annotations

import streamlit as st

from core.dynamics.classify import RULE_TEXT


def render_about() -> None:
    st.markdown(
        """
**The map.** The state is the register y = (y1..yD): the neurons are a function of it, x = tanh(W y), so the
map on the full state is F(y) = (b · tanh(W y), y1, …, y_{D−1}). The run starts from x = 0.001, y = 0 (as in
the article), throws away the transient and records the chosen quantities. The engine is compiled with numba:
the register is a ring buffer (one step writes two numbers, nothing is allocated), and sweeps run many
networks at once on all cores.

**Lyapunov spectrum.** Benettin's method with QR re-orthonormalization every step on the exact Jacobian of F
(a companion matrix whose first row is g = Wᵀ(b ∘ (1 − x²))). All D exponents are measured; λ is shown in nats
per step and bits per step (÷ ln 2). The error bar is a batch-means standard error over 20 blocks, the
convergence plot shows the running estimates, and the Kaplan–Yorke dimension is
D_KY = j + (λ1 + … + λj) / |λ_{j+1}|, with an exponent within the class rule's zero tolerance counted as zero
(so an invariant circle has D_KY = 1, a torus 2).

**Transients.** When the output starts repeating only inside the measured window (chaos for a while, then a
cycle), the page says for about how long and measures the spectrum again from that step, so the exponents
shown belong to the cycle the class names.

**Cross-checks.** λ1 is measured again by Benettin's original two-trajectory method (a twin 10⁻⁸ away,
renormalized every step; it uses the map only, no Jacobian), and the Gottwald–Melbourne 0–1 test is run on y0.
When they disagree with the spectrum the page says so.

**Presets.** Each is named by the class this page measures for it; the article's three keep the article's
word in quotes ('limit cycle', 'toroidal', 'strange' — all three measure as invariant circles here), the
others were found with the Search section. The class and exponents beside each are measured when the page
runs (the article reports λ = −3.65, −0.20, 0.32 for its three; what this page measures is shown instead).

**Search.** A quick batched scan screens every sample; each match is then measured again as Explore does,
so a match's class and exponents are the ones Explore shows for it.
"""
    )
    st.markdown(RULE_TEXT)
    st.markdown(
        """
**Limits.** Iterations are capped by `MLSTUDIO_MAX_ITERATIONS` (a notice says when); Plotly draws at most
200,000 points (3-D: 100,000), more are drawn as a datashader density raster; the CSV export holds at most
1,000,000 rows; maps hold at most 40,000 cells.
"""
    )
