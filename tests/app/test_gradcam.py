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
    assert "320 x 7 x 7" in captions
    assert len(app.get("download_button")) == 3

    app.button(key="cam.score").click().run()
    assert not app.exception
    table = app.dataframe[1].value
    assert len(table) == 8  # 4 maps + 4 random baselines
    assert table["Map"].iloc[-1] == "Random baseline · _blocks.15"
    assert table["Deletion AUC"].between(0, 1).all()
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
    assert "512 x 7 x 7" in " ".join(texts(app, "caption"))  # resnet18 layer4 on a 224 crop


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
    assert image_captions(app)[0] == "coffee: what the model sees (224 px centre crop)"
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
    assert image_captions(again)[0] == "leaf.png: what the model sees (224 px centre crop)"
    assert texts(again, "subheader")[0].startswith("Where the model looks for")


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
