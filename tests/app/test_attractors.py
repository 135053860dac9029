"""The Attractor explorer page driven with AppTest (the page file directly: AppTest does not rerun
widget changes through st.navigation)."""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components.dynamics import state as keys
from core.dynamics.link import Section

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "attractors.py")


def fresh(query: dict[str, str] | None = None) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=240)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def texts(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    parts += [w.value for w in app.warning] + [e.value for e in app.error] + [i.value for i in app.info]
    return "\n".join(str(p) for p in parts)


def test_default_view_shows_picture_spectrum_class_and_link() -> None:
    app = fresh()
    assert app.title[0].value == "Attractor explorer"
    first = app.markdown[0].value  # a plain sentence first; the formulas wait in an expander
    assert first.startswith("A tiny neural network that is fed its own output") and "tanh" not in first
    assert app.expander[0].label == "The network, in formulas"
    assert "tanh" in app.expander[0].markdown[0].value
    metrics = {m.label: m.value for m in app.metric}
    assert float(metrics["λ1 (nats/step)"]) > 0  # the default preset is a chaotic one found by search
    assert "#### Chaotic" in texts(app)
    assert "two nearby trajectories" in texts(app)
    assert len(app.get("image")) == 1  # 200,000 points: a datashader raster
    assert dict(app.query_params) == {"N": "4", "D": "16", "s": "0.8277", "seed": "3220454298", "view": "neurons"}


def test_link_parameters_open_that_attractor() -> None:
    app = fresh({"N": "4", "D": "32", "s": "0.22", "seed": "174658140", "view": "delay"})
    assert app.number_input(key=keys.N).value == 4
    assert app.number_input(key=keys.D).value == 32
    assert app.number_input(key=keys.S).value == pytest.approx(0.22)
    assert app.radio(key=keys.VIEW).value == "delay"
    assert app.selectbox(key=keys.PRESET).value == "Quasi-periodic circle (article: 'limit cycle')"
    assert "quasi-periodic (invariant circle)".capitalize() in texts(app)
    assert "The article calls this network 'limit cycle'" in texts(app)
    assert "Kaplan–Yorke dimension **1.00**" in texts(app)  # an invariant circle (it said 0.00)


def test_transient_chaos_is_told_with_the_settled_spectrum() -> None:
    app = fresh({"N": "4", "D": "16", "s": "4.0", "seed": "4"})
    assert "#### Periodic cycle, period 43" in texts(app)
    told = [i.value for i in app.info if "then settles on a period-43 cycle" in i.value]
    assert told and told[0].startswith("Chaotic for about 14,600 steps"), texts(app)
    assert float({m.label: m.value for m in app.metric}["λ1 (nats/step)"]) < 0  # was +0.0201
    assert "Kaplan–Yorke dimension **0.00**" in texts(app)


def test_bad_link_is_reported_and_ignored() -> None:
    app = fresh({"N": "999", "D": "16", "s": "1", "seed": "1"})
    assert any("N (neurons) must be between 1 and 64" in w.value for w in app.warning)
    assert app.number_input(key=keys.N).value == 4


def test_preset_switch_updates_the_controls_and_the_measurement() -> None:
    app = fresh()
    app.selectbox(key=keys.PRESET).set_value("Chaotic: threads").run()
    assert not app.exception
    assert app.number_input(key=keys.D).value == 8
    assert app.number_input(key=keys.SEED).value == 2989986414
    assert "Measured: chaotic" in texts(app)
    app.number_input(key=keys.S).set_value(0.05).run()
    assert app.selectbox(key=keys.PRESET).value == "Custom"
    assert "#### Fixed point" in texts(app)


def test_small_counts_use_plotly_and_3d_view_works() -> None:
    app = fresh()
    app.number_input(key=keys.STEPS).set_value(20_000).run()
    assert len(app.get("plotly_chart")) == 3  # attractor + spectrum + convergence
    assert len(app.get("image")) == 0
    app.radio(key=keys.VIEW).set_value("3d").run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == 3


def test_huge_iteration_count_is_capped_with_a_notice(monkeypatch) -> None:
    from components.shared import resources as shared_resources

    monkeypatch.setenv("MLSTUDIO_MAX_ITERATIONS", "50000")
    shared_resources.base_settings.clear()
    try:
        app = fresh()
        app.number_input(key=keys.STEPS).set_value(300_000).run()
        assert any("capped at 50,000" in w.value for w in app.warning)
    finally:
        shared_resources.base_settings.clear()


def test_non_finite_trajectory_is_reported_not_drawn(monkeypatch) -> None:
    from components.dynamics import resources as dynamics_resources
    from core.dynamics import simulate

    def broken(w, b, transient, steps, channels, out):
        out[:10] = 0.1
        return 10  # the state stopped being finite after 10 steps

    monkeypatch.setattr(simulate.kernels, "run_trajectory", broken)
    dynamics_resources.trajectory.clear()
    try:
        app = fresh({"N": "3", "D": "5", "s": "1.1", "seed": "77"})
        assert any("stopped being finite after 10 steps" in e.value for e in app.error)
        assert len(app.get("image")) == 0
    finally:
        dynamics_resources.trajectory.clear()


def test_correlation_dimension_on_demand() -> None:
    app = fresh({"N": "4", "D": "32", "s": "0.22", "seed": "174658140"})
    app.button[[b.label for b in app.button].index("Measure the correlation dimension")].click().run()
    found = [m.value for m in app.markdown if "Correlation dimension" in m.value]
    assert found
    value = float(found[0].split("**")[1])
    assert 0.8 < value < 1.3  # a closed curve


def test_search_finds_chaotic_networks() -> None:
    app = fresh()
    app.radio(key=keys.SECTION).set_value(Section.SEARCH).run()
    app.number_input(key=keys.SEARCH_D).set_value(8)
    app.number_input(key=keys.SEARCH_SAMPLES).set_value(100)
    app.slider(key=keys.SEARCH_S).set_value((0.8, 2.0))
    app.select_slider(key=keys.SEARCH_STEPS).set_value(1_000)
    app.button(key=keys.SEARCH_GO).click().run()
    assert not app.exception
    assert any("match(es)" in m.value for m in app.markdown)
    frame = app.dataframe[0].value
    assert len(frame) > 0 and set(frame["class"]) <= {"chaotic"}
    assert np.all(frame["λ1"] > 0)


def test_search_and_explore_give_a_network_the_same_class() -> None:
    app = fresh()
    app.radio(key=keys.SECTION).set_value(Section.SEARCH).run()
    app.number_input(key=keys.SEARCH_SAMPLES).set_value(300)
    app.multiselect(key=keys.SEARCH_CLASSES).set_value(["chaotic", "hyperchaotic"])
    app.button(key=keys.SEARCH_GO).click().run()
    assert not app.exception
    frame = app.dataframe[0].value
    row = frame[frame["seed"] == 1139839185].iloc[0]  # the 3,000-step screen alone calls it chaotic
    assert row["class"] == "hyperchaotic"
    assert all(str(url).startswith("data:image/png;base64,") for url in frame["picture"])
    app.radio(key=keys.SEARCH_ORDER).set_value("Sprott's aesthetic criterion").run()
    ranked = app.dataframe[0].value
    assert sorted(ranked["seed"]) == sorted(frame["seed"]) and "dimension" in ranked
    first = ranked.iloc[0]
    assert first["λ1"] > 0 and 1.1 <= first["dimension"] <= 1.5
    assert list(ranked["seed"]) != list(frame["seed"])
    app.multiselect(key=keys.SEARCH_CLASSES).set_value(["chaotic"])
    app.button(key=keys.SEARCH_GO).click().run()
    assert 1139839185 not in set(app.dataframe[0].value["seed"])  # hyperchaotic when measured again
    assert any("passed the quick screen but measured as another class" in c.value for c in app.caption)
    explore = fresh({"N": "4", "D": "16", "s": "0.7703", "seed": "1139839185"})
    assert "#### Hyperchaotic" in texts(explore)
    assert float({m.label: m.value for m in explore.metric}["λ1 (nats/step)"]) == pytest.approx(row["λ1"], abs=5e-5)


def test_many_matches_get_pictures_for_the_first_hundred_only() -> None:
    app = fresh()
    app.radio(key=keys.SECTION).set_value(Section.SEARCH).run()
    app.number_input(key=keys.SEARCH_SAMPLES).set_value(300)
    app.slider(key=keys.SEARCH_S).set_value((0.1, 2.0))
    app.multiselect(key=keys.SEARCH_CLASSES).set_value(["quasi-periodic (invariant circle)"])
    app.button(key=keys.SEARCH_GO).click().run()
    frame = app.dataframe[0].value
    assert len(frame) > 100, len(frame)
    assert frame["picture"][:100].notna().all() and frame["picture"][100:].isna().all()
    assert any("Pictures for the first 100 rows" in c.value for c in app.caption)


def test_lyapunov_map_and_bifurcation() -> None:
    app = fresh()
    app.radio(key=keys.SECTION).set_value(Section.MAPS).run()
    app.number_input(key=keys.MAP_ROWS).set_value(3)
    app.number_input(key=keys.MAP_COLS).set_value(5)
    app.select_slider(key=keys.MAP_STEPS).set_value(500)
    app.button(key=keys.MAP_GO).click().run()
    assert not app.exception
    result = app.session_state[keys.STATE_KEY].lyapunov_map
    assert result.complete and result.lambda1.shape == (3, 5)
    app.radio(key=keys.MAP_KIND).set_value("Bifurcation diagram over s").run()
    app.number_input(key=keys.BIF_COLS).set_value(20)
    app.button(key=keys.BIF_GO).click().run()
    assert not app.exception
    assert app.session_state[keys.STATE_KEY].bifurcation.values.shape == (20, 150)


def test_lyapunov_map_colours_weak_chaos_visibly() -> None:
    from components.dynamics.figures import lyapunov_heatmap
    from core.dynamics.search import LyapunovMap

    lam = np.full((4, 5), -0.8)
    lam[1, 2] = 0.03  # weak chaos beside strong contraction: with one ±0.8 scale it was 4% red
    per = np.zeros_like(lam)
    result = LyapunovMap(np.linspace(0.1, 2.0, 5), np.arange(4), "seed", 4, 16, 0, lam, per, True)
    marker = lyapunov_heatmap(result).data[0].marker
    colours = np.asarray(marker.color)
    assert colours[1 * 5 + 2] == pytest.approx(1.0) and colours.min() == pytest.approx(-1.0)
    assert (marker.cmin, marker.cmax) == (-1.0, 1.0)
    assert list(marker.colorbar.ticktext) == ["≤ -0.8", "-0.4", "0", "0.015", "≥ 0.03"]
    assert "white = 0" in marker.colorbar.title.text


def test_bifurcation_diagram_is_of_the_network_in_explore() -> None:
    from core.dynamics.search import bifurcation

    app = fresh({"N": "4", "D": "8", "s": "1.4164", "seed": "2989986414"})
    app.number_input(key=keys.SEED).set_value(77).run()  # a seed typed in Explore
    app.radio(key=keys.SECTION).set_value(Section.MAPS).run()
    app.radio(key=keys.MAP_KIND).set_value("Bifurcation diagram over s").run()
    assert (app.number_input(key=keys.BIF_D).value, app.number_input(key=keys.BIF_SEED).value) == (8, 77)
    app.number_input(key=keys.BIF_COLS).set_value(20)
    app.button(key=keys.BIF_GO).click().run()
    assert not app.exception
    shown = app.session_state[keys.STATE_KEY].bifurcation
    expected = bifurcation(4, 8, 77, np.linspace(0.1, 2.0, 20), 2_000, 150, 0)
    np.testing.assert_array_equal(shown.values, expected.values)
    assert any("seed = 77; the dashed line is s = 1.4164" in c.value for c in app.caption)
    app.number_input(key=keys.BIF_SEED).set_value(5).run()  # typed in Maps: kept while Explore's stays
    app.radio(key=keys.MAP_KIND).set_value("λ1 over (s, N)").run()
    assert app.number_input(key=keys.MAP_FIXED_SEED).value == 77
    app.radio(key=keys.MAP_KIND).set_value("Bifurcation diagram over s").run()
    assert app.number_input(key=keys.BIF_SEED).value == 5


def test_about_states_the_rule() -> None:
    app = fresh()
    app.radio(key=keys.SECTION).set_value(Section.ABOUT).run()
    assert "How the class is decided" in texts(app)


LIMIT_CYCLE = {"N": "4", "D": "32", "s": "0.22", "seed": "174658140"}


def shown_network(app: AppTest) -> tuple[int, int, float, int]:
    return (
        app.number_input(key=keys.N).value,
        app.number_input(key=keys.D).value,
        app.number_input(key=keys.S).value,
        app.number_input(key=keys.SEED).value,
    )


def test_switching_sections_keeps_the_network_and_the_link() -> None:
    app = fresh()
    app.number_input(key=keys.S).set_value(1.2).run()
    app.number_input(key=keys.SEED).set_value(42).run()
    app.number_input(key=keys.STEPS).set_value(20_000).run()
    network = {"N": "4", "D": "16", "s": "1.2", "seed": "42"}
    assert dict(app.query_params) == {**network, "view": "neurons"}
    for section in (Section.SEARCH, Section.MAPS, Section.ABOUT):
        app.radio(key=keys.SECTION).set_value(section).run()
        assert not app.exception
        assert dict(app.query_params) == {**network, "view": "neurons", "section": section.value}
    app.radio(key=keys.SECTION).set_value(Section.EXPLORE).run()
    assert shown_network(app) == (4, 16, pytest.approx(1.2), 42)
    assert app.number_input(key=keys.STEPS).value == 20_000
    assert app.selectbox(key=keys.PRESET).value == "Custom"
    assert dict(app.query_params) == {**network, "view": "neurons"}


def test_a_link_to_maps_opens_maps_with_that_network() -> None:
    app = fresh({**LIMIT_CYCLE, "view": "delay", "section": "maps"})
    assert app.radio(key=keys.SECTION).value == Section.MAPS
    assert [b.label for b in app.button if b.label == "Compute map"]
    assert dict(app.query_params) == {**LIMIT_CYCLE, "view": "delay", "section": "maps"}
    app.radio(key=keys.SECTION).set_value(Section.EXPLORE).run()
    assert shown_network(app) == (4, 32, pytest.approx(0.22), 174658140)
    assert app.radio(key=keys.VIEW).value == "delay"
    assert app.selectbox(key=keys.PRESET).value == "Quasi-periodic circle (article: 'limit cycle')"
    assert dict(app.query_params) == {**LIMIT_CYCLE, "view": "delay"}


def test_back_restores_the_previous_parameters_and_section() -> None:
    app = fresh(LIMIT_CYCLE)
    app.number_input(key=keys.S).set_value(0.3).run()
    assert app.query_params["s"] == "0.3"
    app.query_params["s"] = "0.22"  # what the browser's Back puts in the URL
    app.run()
    assert app.number_input(key=keys.S).value == pytest.approx(0.22)
    assert app.selectbox(key=keys.PRESET).value == "Quasi-periodic circle (article: 'limit cycle')"
    app.radio(key=keys.SECTION).set_value(Section.SEARCH).run()
    assert app.query_params["section"] == "search"
    del app.query_params["section"]  # Back again: the Explore entry
    app.run()
    assert app.radio(key=keys.SECTION).value == Section.EXPLORE
    assert shown_network(app) == (4, 32, pytest.approx(0.22), 174658140)


def test_unknown_view_and_section_in_a_link_fall_back_with_a_message() -> None:
    app = fresh({**LIMIT_CYCLE, "view": "4d", "section": "graphs"})
    warnings = [w.value for w in app.warning]
    assert any("view '4d' is unknown" in w for w in warnings), warnings
    assert any("section 'graphs' is unknown" in w for w in warnings), warnings
    assert app.radio(key=keys.SECTION).value == Section.EXPLORE
    assert app.radio(key=keys.VIEW).value == "neurons"
    assert app.number_input(key=keys.D).value == 32
    assert dict(app.query_params) == {**LIMIT_CYCLE, "view": "neurons"}


def test_search_settings_and_results_survive_a_visit_to_explore() -> None:
    app = fresh()
    app.radio(key=keys.SECTION).set_value(Section.SEARCH).run()
    app.number_input(key=keys.SEARCH_D).set_value(8)
    app.number_input(key=keys.SEARCH_SAMPLES).set_value(100)
    app.select_slider(key=keys.SEARCH_STEPS).set_value(1_000)
    app.button(key=keys.SEARCH_GO).click().run()
    found = [m.value for m in app.markdown if "match(es)" in m.value]
    app.radio(key=keys.SECTION).set_value(Section.EXPLORE).run()
    app.radio(key=keys.SECTION).set_value(Section.SEARCH).run()
    assert app.number_input(key=keys.SEARCH_D).value == 8
    assert app.number_input(key=keys.SEARCH_SAMPLES).value == 100
    assert [m.value for m in app.markdown if "match(es)" in m.value] == found
