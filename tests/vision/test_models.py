"""Model loading: torchvision weights through the real cache path (no download), user state_dicts."""

import io
import pickle
import urllib.error
import urllib.request

import pytest
import torch
import torchvision

from core.vision import models
from core.vision.models import ModelFileError, ModelUnavailable, load_torchvision, load_user_model
from core.vision.registry import SPECS


@pytest.fixture()
def torch_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    return tmp_path


@pytest.fixture()
def offline(monkeypatch):
    calls = []

    def refuse(url, *args, **kwargs):
        calls.append(url)
        raise urllib.error.URLError("no network in this test")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return calls


def test_offline_download_is_a_clear_message_and_leaves_no_partial_file(torch_home, offline) -> None:
    with pytest.raises(ModelUnavailable, match="offline") as info:
        load_torchvision("resnet18")
    assert "resnet18-f37072fd.pth" in str(info.value) and "EfficientNet-Lite0" in str(info.value)
    assert offline == ["https://download.pytorch.org/models/resnet18-f37072fd.pth"]
    assert list((torch_home / "hub" / "checkpoints").glob("*")) == []


def test_weights_already_in_the_torch_cache_load_without_network(torch_home, offline) -> None:
    target = models.weights_file(SPECS["resnet18"])
    assert target.parent == torch_home / "hub" / "checkpoints"
    target.parent.mkdir(parents=True)
    reference = torchvision.models.resnet18(weights=None)
    torch.save(reference.state_dict(), target)
    loaded = load_torchvision("resnet18")
    assert offline == []
    assert loaded.categories[285] == "Egyptian cat" and len(loaded.categories) == 1000
    assert torch.equal(loaded.model.fc.weight, reference.fc.weight)
    assert [info.name for info in loaded.usable_layers() if info.name.startswith("layer") and "." not in info.name] == [
        "layer1",
        "layer2",
        "layer3",
        "layer4",
    ]


def test_download_checks_the_hash_and_reports_progress(torch_home, monkeypatch) -> None:
    payload = b"x" * 3000

    class Response(io.BytesIO):
        def __init__(self, data: bytes) -> None:
            super().__init__(data)
            self.headers = {"Content-Length": str(len(data))}

    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: Response(payload))
    seen = []
    with pytest.raises(ModelUnavailable, match="corrupted"):
        models.download_weights(SPECS["resnet18"], progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (3000, 3000)
    assert not models.weights_file(SPECS["resnet18"]).exists()


def test_user_state_dict_with_own_classes() -> None:
    net = torchvision.models.resnet18(weights=None, num_classes=3)
    buffer = io.BytesIO()
    torch.save({"module." + k: v for k, v in net.state_dict().items()}, buffer)
    loaded = load_user_model("resnet18", buffer.getvalue(), ["ant", "bee", "wasp"])
    assert loaded.categories == ["ant", "bee", "wasp"]
    assert loaded.model(torch.zeros(1, 3, 224, 224)).shape == (1, 3)
    with pytest.raises(ModelFileError, match="3 classes but 2"):
        load_user_model("resnet18", buffer.getvalue(), ["ant", "bee"])


def test_user_weights_for_the_wrong_architecture_or_not_a_model() -> None:
    buffer = io.BytesIO()
    torch.save(torchvision.models.resnet18(weights=None, num_classes=3).state_dict(), buffer)
    with pytest.raises(ModelFileError, match="do not fit a resnet34"):
        load_user_model("resnet34", buffer.getvalue())
    with pytest.raises(ModelFileError, match="state_dict"):
        load_user_model("resnet18", b"this is not a checkpoint")


def test_torchscript_is_recognised_and_explained() -> None:
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), buffer)
    with pytest.raises(ModelFileError, match="TorchScript"):
        load_user_model("resnet18", buffer.getvalue())


class Exploit:
    def __reduce__(self):
        return (print, ("pwned",))


def test_user_file_with_code_is_never_unpickled(capsys) -> None:
    with pytest.raises(ModelFileError, match="weights_only"):
        load_user_model("resnet18", pickle.dumps({"fc.weight": Exploit()}))
    assert "pwned" not in capsys.readouterr().out


def test_transformer_reshape_transforms() -> None:
    tokens = models.reshape_transform("tokens")
    assert tokens(torch.zeros(2, 197, 768)).shape == (2, 768, 14, 14)
    assert tokens(torch.zeros(2, 49, 8)).shape == (2, 8, 7, 7)
    nhwc = models.reshape_transform("nhwc")
    assert nhwc(torch.zeros(1, 7, 7, 768)).shape == (1, 768, 7, 7)
    assert models.reshape_transform("none") is None


def test_layer_tree_of_the_embedded_model(lite0) -> None:
    layers = lite0.layers()
    names = [info.name for info in layers]
    assert all(name in names for name in lite0.default_layers)
    info = lite0.layer("_blocks.15")
    assert info.output_shape == (320, 7, 7) and info.usable and info.depth == 1
    assert not lite0.layer("_swish").usable  # shared activation, called twice per forward
    assert lite0.execution_order(["_blocks.15", "_blocks.2"]) == ["_blocks.2", "_blocks.15"]


def test_layers_are_named_in_plain_words_with_the_technical_detail_kept() -> None:
    from core.vision.models import LayerInfo

    early = LayerInfo("_blocks.1", "MBConvBlock", 2, (24, 56, 56), 1)
    last = LayerInfo("_blocks.15", "MBConvBlock", 2, (320, 7, 7), 1)
    tokens = LayerInfo("encoder.layers.11", "EncoderBlock", 3, (197, 768), 1)
    assert early.plain_label(224) == "_blocks.1 · early · 56 x 56 map"
    assert early.depth_words(224) == "early: edges and textures"
    assert last.plain_label(224) == "_blocks.15 · deepest · 7 x 7 map"
    assert last.depth_words(224) == "deepest: whole objects"
    assert tokens.plain_label(224) == "encoder.layers.11 · deep · 14 x 14 map"
    assert last.technical == "MBConvBlock, output 320 x 7 x 7 (channels x height x width)"
    assert tokens.technical == "EncoderBlock, output 197 x 768 (tokens x features)"
