"""The Grad-CAM page driven directly (AppTest does not rerun file pages after st.navigation)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = Path(__file__).resolve().parents[2] / "pages" / "gradcam.py"


def texts(app: AppTest, kind: str) -> list[str]:
    return [element.value for element in app.get(kind)]


def test_default_view_explains_the_cat_on_four_layers_and_scores_the_maps() -> None:
    app = AppTest.from_file(str(PAGE), default_timeout=600)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Grad-CAM viewer"
    assert texts(app, "subheader")[0] == "Where the model looks for “Egyptian cat”"
    top5 = app.dataframe[0].value
    assert top5["Class"].iloc[0] == "Egyptian cat" and len(top5) == 5
    # 4 layers x (GradCAM + guided backprop + guided Grad-CAM), the input image and the colour bar
    assert len(app.get("image")) == 4 * 3 + 2
    captions = " ".join(texts(app, "caption"))
    assert "GradCAM: 1 forward pass(es) for all layers" in captions
    assert "320 x 7 x 7" in captions
    assert len(app.get("download_button")) == 3

    app.button(key="cam.score").click().run()
    assert not app.exception
    table = app.dataframe[1].value
    assert len(table) == 8  # 4 maps + 4 random baselines
    assert table["Map"].iloc[-1] == "Random baseline · _blocks.15"
    assert table["Deletion AUC"].between(0, 1).all()


def test_contrast_target_and_slow_method_estimate() -> None:
    app = AppTest.from_file(str(PAGE), default_timeout=600)
    app.run()
    app.multiselect(key="cam.layers.efficientnet_lite0").set_value(["_blocks.15"])
    app.radio(key="cam.target_mode").set_value("Class A minus class B").run()
    assert not app.exception, [e.value for e in app.exception]
    assert texts(app, "subheader")[0] == "Where the model looks for “Egyptian cat minus tiger cat”"

    app.multiselect(key="cam.methods").set_value(["GradCAM", "ScoreCAM"]).run()
    assert not app.exception
    warning = texts(app, "warning")[0]
    assert "Estimated time" in warning and "ScoreCAM" in warning
    assert app.button(key="cam.compute").label.startswith("Compute maps")
    assert "Where the model looks" not in " ".join(texts(app, "subheader"))
