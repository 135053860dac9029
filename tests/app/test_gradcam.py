"""The Grad-CAM page driven directly (AppTest does not rerun file pages after st.navigation)."""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.shared import resources as shared_resources
from components.vision import state as keys
from tests.support.text import shown

PAGE = Path(__file__).resolve().parents[2] / "app_pages" / "gradcam.py"


def texts(app: AppTest, kind: str) -> list[str]:
    """The elements' text as the user reads it (Markdown escapes removed)."""
    return [shown(str(element.value)) for element in app.get(kind)]


def badges(app: AppTest) -> list[str]:
    """The badges' labels (st.badge is Markdown like ':green-badge[:material/check: beats random]')."""
    found = [str(m.value) for m in app.markdown if "-badge[" in str(m.value)]
    return [b.split("]", 1)[0].split("[", 1)[1].split(": ", 1)[-1] for b in found]


def caption_helps(app: AppTest) -> list[str]:
    return [caption.proto.help for caption in app.caption]


def image_captions(app: AppTest) -> list[str]:
    return [picture.caption for element in app.get("image") for picture in element.proto.imgs]


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
    assert "deepest: whole objects · 7 x 7 map" in captions  # the row's plain words, the detail on hover
    assert "MBConvBlock, output 320 x 7 x 7 (channels x height x width)" in caption_helps(app)
    assert len(app.get("download_button")) == 3

    app.button(key="cam.score").click().run()
    assert not app.exception
    table = app.dataframe[1].value
    assert len(table) == 8  # 4 maps + 4 random baselines
    assert table["Map"].iloc[-1] == "Random baseline · _blocks.15"
    assert table["Deletion AUC"].between(0, 1).all()
    assert list(table.columns[:2]) == ["Map", "Beats random"]  # the verdict first, then its figures
    assert set(table["Beats random"].iloc[:4]) <= {"yes", "no"} and "yes" in set(table["Beats random"])
    assert list(table["Beats random"].iloc[4:]) == ["—"] * 4  # the baselines themselves
    assert not any(column.startswith("ROAD") for column in table.columns)  # not computed: no "None" cells
    assert any("ROAD was not computed" in c for c in texts(app, "caption"))
    for name, verdict in zip(table["Map"].iloc[:4], table["Beats random"].iloc[:4], strict=True):
        own = table[table["Map"] == name].iloc[0]
        base = table[table["Map"] == "Random baseline · " + name.split(" · ")[1]].iloc[0]
        beats = own["Deletion AUC"] < base["Deletion AUC"] and own["Insertion AUC"] > base["Insertion AUC"]
        assert verdict == ("yes" if beats else "no")
    # ... and each scored cell of the grid carries its verdict as a badge
    grid_badges = [b for b in badges(app) if "random" in b]
    expected = ["beats random" if v == "yes" else "not better than random" for v in table["Beats random"].iloc[:4]]
    assert sorted(grid_badges) == sorted(expected)
    assert len(curve_points(app)) == 9  # quick default: 8 steps

    app.checkbox(key=keys.FULL_CURVES).check().run()
    app.button(key="cam.score").click().run()
    assert not app.exception
    assert len(curve_points(app)) == 17  # the full curves on request
    assert app.dataframe[1].value["Deletion AUC"].between(0, 1).all()


def curve_points(app: AppTest) -> list[float]:
    """The x values of the first deletion curve on screen (Plotly sends arrays as typed base64)."""
    import base64
    import json

    import numpy as np

    x = json.loads(app.get("plotly_chart")[0].proto.spec)["data"][0]["x"]
    if isinstance(x, dict):
        return np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"]).tolist()
    return list(x)


def test_the_sanity_check_says_whether_the_map_depends_on_the_trained_weights(data_dir: Path) -> None:
    app = opened({"layers": "_blocks.15"})
    app.button(key=keys.SANITY_RUN).click().run()
    assert not app.exception, [e.value for e in app.exception]
    verdicts = [m.strip("*") for m in texts(app, "markdown") if "Depends on the trained weights" in m]
    assert verdicts == ["GradCAM · _blocks.15 · Depends on the trained weights: yes"]
    assert badges(app) == ["uses the weights"]  # the checked cell of the grid says so too
    assert any(c.startswith("“yes” when, with every layer re-initialised") for c in texts(app, "caption"))


def test_contrast_target_and_slow_method_estimate() -> None:
    app = AppTest.from_file(str(PAGE), default_timeout=600)
    app.run()
    app.multiselect(key="cam.layers.efficientnet_lite0").set_value(["_blocks.15"])
    app.radio(key="cam.target_mode").set_value("contrast").run()
    assert not app.exception, [e.value for e in app.exception]
    assert texts(app, "subheader")[0] == "Where the model looks for “Egyptian cat minus tiger cat”"

    app.multiselect(key="cam.methods").set_value(["GradCAM", "ScoreCAM"]).run()
    assert not app.exception
    warning = texts(app, "warning")[0]
    assert "Estimated time" in warning and "ScoreCAM" in warning
    assert app.button(key="cam.compute").label.startswith("Compute maps")
    assert "Where the model looks" not in " ".join(texts(app, "subheader"))


def test_user_model_and_uploads() -> None:
    import io

    import torch
    import torchvision
    from PIL import Image

    app = AppTest.from_file(str(PAGE), default_timeout=600)
    app.run()
    app.segmented_control(key="cam.image_source").set_value("upload").run()
    app.file_uploader(key="cam.upload").upload("notes.png", b"plain text, not a picture", "image/png").run()
    assert not app.exception
    assert "not an image the viewer can read" in texts(app, "error")[0]

    buffer = io.BytesIO()
    Image.new("RGBA", (320, 240), (10, 200, 30, 128)).save(buffer, format="PNG")
    app.file_uploader(key="cam.upload").upload("leaf.png", buffer.getvalue(), "image/png").run()
    assert not app.exception and not app.error
    assert "Converted from RGBA to RGB." in texts(app, "caption")

    app.selectbox(key="cam.model").set_value("user").run()
    app.file_uploader(key="cam.user_w").upload("wrong.pt", b"garbage", "application/octet-stream").run()
    assert "state_dict" in texts(app, "error")[0]

    weights = io.BytesIO()
    torch.manual_seed(0)
    torch.save(torchvision.models.resnet18(weights=None, num_classes=3).state_dict(), weights)
    app.file_uploader(key="cam.user_w").upload("mine.pt", weights.getvalue(), "application/octet-stream")
    app.file_uploader(key="cam.user_names").upload("names.txt", b"ant\nbee\nwasp\n", "text/plain").run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, texts(app, "error")
    assert sorted(app.dataframe[0].value["Class"]) == ["ant", "bee", "wasp"]
    assert texts(app, "subheader")[0].startswith("Where the model looks for")
    assert "Sequential, output 512 x 7 x 7 (channels x height x width)" in caption_helps(app)  # resnet18 layer4


# --- state in the URL ---------------------------------------------------------------------------
UNKNOWN_UPLOAD = "0123456789abcdef" * 4


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("MLSTUDIO_DATA_DIR", str(tmp_path))
    shared_resources.base_settings.clear()
    yield tmp_path
    shared_resources.base_settings.clear()


def opened(query: dict[str, str]) -> AppTest:
    """The page opened from a link in a fresh session (a reload, or a copied URL)."""
    app = AppTest.from_file(str(PAGE), default_timeout=600)
    app.query_params.update(query)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_a_link_restores_sample_layers_methods_and_target(data_dir: Path) -> None:
    link = {
        "image": "coffee",
        "layers": "_blocks.15",
        "methods": "GradCAM,HiResCAM",
        "target": "281-282",
    }
    app = opened(link)
    assert app.selectbox(key=keys.SAMPLE).value == "coffee"
    assert app.multiselect(key=keys.layers_key("efficientnet_lite0")).value == ["_blocks.15"]
    assert app.multiselect(key=keys.METHODS).value == ["GradCAM", "HiResCAM"]
    assert app.radio(key=keys.TARGET_MODE).value == "contrast"
    assert app.selectbox(key=keys.class_a_key("efficientnet_lite0")).value == 281
    assert app.selectbox(key=keys.class_b_key("efficientnet_lite0")).value == 282
    assert texts(app, "subheader")[0] == "Where the model looks for “tabby minus tiger cat”"
    assert image_captions(app)[0] == "coffee: what the model sees (224 px; centre crop: 33% of the width cut off)"
    # 1 layer x (2 methods + guided backprop + guided Grad-CAM), the input image and the colour bar
    assert len(app.get("image")) == 1 * 4 + 2
    assert not app.warning
    assert app.query_params == link  # nothing rewritten: the URL already says it all


def test_changes_go_to_the_url_and_back_restores_the_previous_choice(data_dir: Path) -> None:
    app = opened({})
    assert app.query_params == {}  # the default view has a bare URL
    app.multiselect(key=keys.layers_key("efficientnet_lite0")).set_value(["_blocks.15"]).run()
    before = dict(app.query_params)
    assert before == {"layers": "_blocks.15"}
    app.multiselect(key=keys.METHODS).set_value(["GradCAM", "EigenCAM"])
    app.selectbox(key=keys.SAMPLE).set_value("astronaut").run()
    assert app.query_params == {"layers": "_blocks.15", "methods": "GradCAM,EigenCAM", "image": "astronaut"}
    assert len(app.get("image")) == 1 * 4 + 2

    app.query_params = before  # the browser's Back button
    app.run()
    assert not app.exception
    assert app.multiselect(key=keys.METHODS).value == ["GradCAM"]
    assert app.selectbox(key=keys.SAMPLE).value == "chelsea"
    assert texts(app, "subheader")[0] == "Where the model looks for “Egyptian cat”"
    assert len(app.get("image")) == 1 * 3 + 2


def test_bad_link_values_are_short_messages_and_the_default_view(data_dir: Path) -> None:
    app = opened(
        {"model": "alexnet", "image": f"upload:{UNKNOWN_UPLOAD}", "methods": "Nope", "layers": "fc", "target": "x"}
    )
    warnings = " ".join(texts(app, "warning"))
    assert "'alexnet' is not offered here" in warnings
    assert "uploaded image in this link is not on this server" in warnings
    assert "'Nope'" in warnings and "'fc'" in warnings and "not a class number" in warnings
    assert app.selectbox(key=keys.MODEL).value == "efficientnet_lite0"
    assert app.segmented_control(key=keys.IMAGE_SOURCE).value == "sample"
    assert texts(app, "subheader")[0] == "Where the model looks for “Egyptian cat”"
    assert len(app.get("image")) == 4 * 3 + 2
    assert not app.error


def test_an_upload_is_kept_on_the_server_and_named_in_the_link(data_dir: Path) -> None:
    import io

    from PIL import Image

    app = opened({"layers": "_blocks.15"})
    app.segmented_control(key=keys.IMAGE_SOURCE).set_value("upload").run()
    buffer = io.BytesIO()
    Image.new("RGBA", (320, 240), (10, 200, 30, 128)).save(buffer, format="PNG")
    app.file_uploader(key=keys.upload_key(0)).upload("leaf.png", buffer.getvalue(), "image/png").run()
    assert not app.exception and not app.error
    upload_id = hashlib.sha256(buffer.getvalue()).hexdigest()
    assert app.query_params == {"layers": "_blocks.15", "image": f"upload:{upload_id}"}
    assert (data_dir / "vision" / "uploads" / f"{upload_id}.png").read_bytes() == buffer.getvalue()

    again = opened(dict(app.query_params))  # reload, or the copied link on this server
    assert again.segmented_control(key=keys.IMAGE_SOURCE).value == "upload"
    captions = texts(again, "caption")
    assert "leaf.png, uploaded earlier. Upload another image to replace it." in captions
    assert "Converted from RGBA to RGB." in captions
    assert image_captions(again)[0] == "leaf.png: what the model sees (224 px; centre crop: 25% of the width cut off)"
    assert texts(again, "subheader")[0].startswith("Where the model looks for")


def test_rows_are_scaled_to_their_own_peak_by_default_and_to_one_scale_a_click_away(data_dir: Path) -> None:
    app = opened({})
    assert app.toggle(key=keys.SHARED_SCALE).value is False
    captions = texts(app, "caption")
    assert any(c.startswith("Each row scaled to its own peak") for c in captions)
    own_peaks = [c for c in image_captions(app) if c.startswith("GradCAM · peak ")]
    assert len(own_peaks) == 4 and "GradCAM · peak 1.00" in own_peaks  # the strongest row
    own_pictures = [picture.url for element in app.get("image") for picture in element.proto.imgs]

    app.toggle(key=keys.SHARED_SCALE).set_value(True).run()
    assert not app.exception
    assert any(c.startswith("One scale for all rows") and "weak layers look faint" in c for c in texts(app, "caption"))
    assert [c for c in image_captions(app) if c.startswith("GradCAM · peak ")] == own_peaks  # same strengths
    shared_pictures = [picture.url for element in app.get("image") for picture in element.proto.imgs]
    assert shared_pictures != own_pictures  # the weak rows are drawn fainter
    assert app.query_params == {}  # a display choice: the link stays bare

    app.multiselect(key=keys.METHODS).set_value(["GradCAM", "ScoreCAM"]).run()  # waits for its button: no grid
    assert app.button(key=keys.COMPUTE) and not app.toggle
    app.multiselect(key=keys.METHODS).set_value(["GradCAM"]).run()
    assert app.toggle(key=keys.SHARED_SCALE).value is True  # still the user's choice


def test_a_wide_image_is_fitted_whole_on_request_and_the_link_keeps_it(data_dir: Path) -> None:
    app = opened({"layers": "_blocks.15"})
    assert app.segmented_control(key=keys.FRAMING).value == "crop"
    app.segmented_control(key=keys.FRAMING).set_value("fit").run()
    assert not app.exception
    assert (
        image_captions(app)[0]
        == "chelsea: what the model sees (224 px; the whole image, with grey bars above and below)"
    )
    assert app.query_params == {"layers": "_blocks.15", "framing": "fit"}
    again = opened(dict(app.query_params))
    assert again.segmented_control(key=keys.FRAMING).value == "fit"
    assert image_captions(again)[0] == image_captions(app)[0]
    assert len(again.get("image")) == 1 * 3 + 2


def test_a_map_opens_large_with_a_deletion_slider_and_the_labels_are_plain_words(data_dir: Path) -> None:
    app = opened({"layers": "_blocks.15"})
    checkboxes = [box.label for box in app.checkbox]
    assert "Steadier maps (6x slower)" in checkboxes
    assert "Less noise: keep only the main pattern" in checkboxes
    assert not any("aug_smooth" in label or "eigen_smooth" in label for label in checkboxes)
    layers = app.multiselect(key=keys.layers_key("efficientnet_lite0"))
    assert layers.format_func("_blocks.15") == "_blocks.15 · deepest · 7 x 7 map"
    app.segmented_control(key=keys.IMAGE_SOURCE).set_value("upload").run()
    assert app.file_uploader(key=keys.upload_key(0)).proto.max_upload_size_mb == 20  # the box says 20 MB

    app.segmented_control(key=keys.IMAGE_SOURCE).set_value("sample").run()
    app.button(key="cam.enlarge.GradCAM._blocks.15").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.slider(key=keys.DELETE_TOP).value == 20
    captions = image_captions(app)
    assert "the map over the image" in captions and "the map alone" in captions
    assert "what the model sees with the top 20% blurred" in captions
    before_after = [m for m in texts(app, "markdown") if "→" in m]
    assert len(before_after) == 1
    before, after = (float(x.strip(" #%")) for x in before_after[0].split("→"))
    assert before == round(100 * app.dataframe[0].value["Confidence"].iloc[0])  # the top-5's own figure
    assert 0 <= after <= 100


def test_a_second_session_gets_the_same_default_grid_without_computing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from components.vision import resources as vision_resources
    from core.vision import grid

    vision_resources.forget_shared_grids()
    computed: list[object] = []
    real = grid.compute_grid

    def counting(*args, **kwargs):
        computed.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr("components.vision.results.compute_grid", counting)
    first = AppTest.from_file(str(PAGE), default_timeout=600)
    first.run()
    second = AppTest.from_file(str(PAGE), default_timeout=600)  # another visitor, same default view
    second.run()
    assert not first.exception and not second.exception
    assert len(computed) == 1
    assert image_captions(first) == image_captions(second)
    assert len(second.get("image")) == len(first.get("image")) == 4 * 3 + 2


def placeholder_page() -> None:
    import streamlit as st
    from torch import nn

    from components.vision import state as keys
    from components.vision.results import grid_placeholder
    from components.vision.state import VisionState
    from core.vision.models import LoadedModel

    loaded = LoadedModel("demo", "Demo", nn.Identity(), ["a"], default_layers=("one", "two", "three"))
    if st.session_state.get("grid_done"):
        st.session_state[keys.GRID_MEMO] = {}
    grid_placeholder(VisionState(), loaded)  # default methods: GradCAM only


def test_grid_placeholder_says_what_is_coming_before_the_first_grid_only() -> None:
    """(The browser cannot catch it reliably: a warm grid is computed in under a second.)"""
    app = AppTest.from_function(placeholder_page).run()
    assert not app.exception
    assert [shown(str(info.value)) for info in app.info] == ["Computing 3 map(s): 3 layer(s) x 1 method(s)…"]
    app.session_state["grid_done"] = True
    app.run()
    assert not app.exception
    assert list(app.info) == []
