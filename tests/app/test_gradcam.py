"""The Grad-CAM page driven directly (AppTest does not rerun file pages after st.navigation)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = Path(__file__).resolve().parents[2] / "app_pages" / "gradcam.py"


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
