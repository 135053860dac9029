"""The viewer's link: only non-default choices in the URL, and forgiving parsing with short problems."""

from core.vision.link import (
    CamLink,
    ImageRef,
    TargetChoice,
    link_params,
    parse_link,
    usable_layers,
    usable_target,
)
from core.vision.targets import Target

MODELS = ["efficientnet_lite0", "resnet18", "user"]
SAMPLES = ["chelsea", "coffee", "astronaut"]
METHODS = ["GradCAM", "HiResCAM", "ScoreCAM"]
UPLOAD_ID = "ab" * 32


def parse(params: dict[str, str]) -> tuple[CamLink, list[str]]:
    return parse_link(params, MODELS, SAMPLES, METHODS)


def test_the_default_view_has_a_bare_url_and_a_bare_url_is_the_default_view() -> None:
    assert link_params(CamLink(layers=("a", "b")), default_layers=("a", "b")) == {}
    assert parse({}) == (CamLink(), [])


def test_every_choice_round_trips_through_the_url() -> None:
    link = CamLink(
        "resnet18",
        ImageRef("sample", "coffee"),
        ("layer3", "layer4"),
        ("HiResCAM", "ScoreCAM"),
        TargetChoice("contrast", 281, 282),
    )
    params = link_params(link, default_layers=("layer1", "layer2", "layer3", "layer4"))
    assert params == {
        "model": "resnet18",
        "image": "coffee",
        "layers": "layer3,layer4",
        "methods": "HiResCAM,ScoreCAM",
        "target": "281-282",
    }
    assert parse(params) == (link, [])
    one_class = CamLink(target=TargetChoice("class", 7))
    assert link_params(one_class) == {"target": "7"}
    assert parse({"target": "7"})[0] == one_class


def test_an_upload_is_named_by_its_content_id() -> None:
    with_file = CamLink(image=ImageRef("upload", upload_id=UPLOAD_ID))
    assert link_params(with_file) == {"image": f"upload:{UPLOAD_ID}"}
    assert parse({"image": f"upload:{UPLOAD_ID}"})[0] == with_file
    assert parse({"image": "upload"})[0].image == ImageRef("upload")


def test_bad_values_fall_back_to_defaults_with_a_short_problem_each() -> None:
    link, problems = parse(
        {
            "model": "alexnet",
            "image": "../../etc/passwd",
            "methods": "GradCAM,Nope",
            "target": "cat",
        }
    )
    assert link == CamLink(methods=("GradCAM",))
    assert len(problems) == 4
    assert "alexnet" in problems[0] and "default model" in problems[0]
    assert "sample" in problems[1]
    assert "'Nope'" in problems[2]
    assert "281 or 281-282" in problems[3]
    assert parse({"image": "upload:not-a-hash"})[0].image == ImageRef()
    assert parse({"methods": "Nope"})[0].methods == ("GradCAM",)


def test_layers_and_classes_are_checked_against_the_loaded_model() -> None:
    offered = ["layer1", "layer2", "layer3", "layer4"]
    defaults = ("layer2", "layer4")
    assert usable_layers(None, offered, defaults) == (["layer2", "layer4"], None)
    assert usable_layers(("layer4", "layer1"), offered, defaults) == (["layer4", "layer1"], None)
    kept, problem = usable_layers(("layer4", "fc"), offered, defaults)
    assert kept == ["layer4"] and problem is not None and "'fc'" in problem
    assert usable_layers(("fc",), offered, defaults)[0] == ["layer2", "layer4"]

    assert usable_target(TargetChoice("contrast", 1, 2), 3) == (TargetChoice("contrast", 1, 2), None)
    choice, problem = usable_target(TargetChoice("class", 999), 3)
    assert choice == TargetChoice() and problem is not None and "0 to 2" in problem


def test_a_target_choice_resolves_against_the_top_prediction() -> None:
    assert TargetChoice().resolved(285) == Target(285)
    assert TargetChoice("class", 3).resolved(285) == Target(3)
    assert TargetChoice("contrast", 3, 4).resolved(285) == Target(3, 4)


def test_the_framing_travels_in_the_link_and_a_bad_one_is_a_short_problem() -> None:
    assert link_params(CamLink(framing="fit")) == {"framing": "fit"}
    assert link_params(CamLink(framing="crop")) == {}
    assert parse({"framing": "fit"}) == (CamLink(framing="fit"), [])
    link, problems = parse({"framing": "stretch"})
    assert link.framing == "crop"
    assert problems == ["The link's framing 'stretch' is not “crop” or “fit”; cropping the centre."]
