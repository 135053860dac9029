"""What the Grad-CAM viewer offers, without importing torch: model specs and CAM method descriptions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ReshapeKind = Literal["none", "tokens", "nhwc"]

TF_LITE_MEAN = (127.0 / 255.0,) * 3
TF_LITE_STD = (128.0 / 255.0,) * 3
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class ModelSpec:
    key: str
    label: str
    source: Literal["embedded", "torchvision", "user"]
    default_layers: tuple[str, ...]
    reshape: ReshapeKind = "none"
    input_size: int = 224
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    weights: str = ""  # torchvision weights enum, e.g. "ResNet18_Weights.IMAGENET1K_V1"
    builder: str = ""  # torchvision.models function name


EMBEDDED_KEY = "efficientnet_lite0"
SPECS: dict[str, ModelSpec] = {
    spec.key: spec
    for spec in (
        ModelSpec(
            EMBEDDED_KEY,
            "EfficientNet-Lite0 (embedded, offline)",
            "embedded",
            ("_blocks.2", "_blocks.4", "_blocks.10", "_blocks.15"),
            mean=TF_LITE_MEAN,
            std=TF_LITE_STD,
        ),
        ModelSpec(
            "resnet18",
            "ResNet-18 (torchvision)",
            "torchvision",
            ("layer1", "layer2", "layer3", "layer4"),
            weights="ResNet18_Weights.IMAGENET1K_V1",
            builder="resnet18",
        ),
        ModelSpec(
            "resnet34",
            "ResNet-34 (torchvision)",
            "torchvision",
            ("layer1", "layer2", "layer3", "layer4"),
            weights="ResNet34_Weights.IMAGENET1K_V1",
            builder="resnet34",
        ),
        ModelSpec(
            "resnet50",
            "ResNet-50 (torchvision)",
            "torchvision",
            ("layer1", "layer2", "layer3", "layer4"),
            weights="ResNet50_Weights.IMAGENET1K_V2",
            builder="resnet50",
        ),
        ModelSpec(
            "vgg16",
            "VGG-16 (torchvision)",
            "torchvision",
            ("features.9", "features.16", "features.23", "features.29"),
            weights="VGG16_Weights.IMAGENET1K_V1",
            builder="vgg16",
        ),
        ModelSpec(
            "densenet121",
            "DenseNet-121 (torchvision)",
            "torchvision",
            ("features.denseblock1", "features.denseblock2", "features.denseblock3", "features.norm5"),
            weights="DenseNet121_Weights.IMAGENET1K_V1",
            builder="densenet121",
        ),
        ModelSpec(
            "mobilenet_v3_large",
            "MobileNetV3-Large (torchvision)",
            "torchvision",
            ("features.3", "features.6", "features.12", "features.16"),
            weights="MobileNet_V3_Large_Weights.IMAGENET1K_V2",
            builder="mobilenet_v3_large",
        ),
        ModelSpec(
            "convnext_tiny",
            "ConvNeXt-T (torchvision)",
            "torchvision",
            ("features.1", "features.3", "features.5", "features.7"),
            weights="ConvNeXt_Tiny_Weights.IMAGENET1K_V1",
            builder="convnext_tiny",
        ),
        ModelSpec(
            "vit_b_16",
            "ViT-B/16 (torchvision)",
            "torchvision",
            (
                "encoder.layers.encoder_layer_2.ln_1",
                "encoder.layers.encoder_layer_5.ln_1",
                "encoder.layers.encoder_layer_8.ln_1",
                "encoder.layers.encoder_layer_11.ln_1",
            ),
            reshape="tokens",
            weights="ViT_B_16_Weights.IMAGENET1K_V1",
            builder="vit_b_16",
        ),
        ModelSpec(
            "swin_t",
            "Swin-T (torchvision)",
            "torchvision",
            ("features.1", "features.3", "features.5", "features.7"),
            reshape="nhwc",
            weights="Swin_T_Weights.IMAGENET1K_V1",
            builder="swin_t",
        ),
    )
}
USER_ARCHITECTURES = (
    "resnet18",
    "resnet34",
    "resnet50",
    "vgg16",
    "densenet121",
    "mobilenet_v3_large",
    "convnext_tiny",
    "vit_b_16",
    "swin_t",
)


@dataclass(frozen=True)
class MethodInfo:
    name: str
    summary: str
    uses_gradients: bool = True
    slow: bool = False  # cost grows with the layer's channel count (one forward per channel)
    layer_independent: bool = False  # FullGrad uses every bias layer, not the chosen ones
    on_copy: bool = False  # changes the model's modules while it runs
    per_layer: bool = False  # needs its own forward/backward per layer (keeps the autograd graph)


METHODS: dict[str, MethodInfo] = {
    m.name: m
    for m in (
        MethodInfo("GradCAM", "Channel weights = mean gradient (Selvaraju et al. 2017)."),
        MethodInfo("HiResCAM", "Gradient x activation per position: faithful to the model's computation."),
        MethodInfo("GradCAMPlusPlus", "Second-order weighting; better with several objects."),
        MethodInfo("XGradCAM", "Gradients weighted by normalised activations (axiom-based)."),
        MethodInfo("LayerCAM", "Positive gradients x activations per position; good on early layers."),
        MethodInfo("GradCAMElementWise", "Element-wise gradient x activation, then ReLU and sum."),
        MethodInfo("EigenCAM", "First principal component of the activations; ignores the class.", False),
        MethodInfo("EigenGradCAM", "First principal component of gradient x activations."),
        MethodInfo("KPCA_CAM", "Kernel-PCA component of the activations; ignores the class.", False),
        MethodInfo("FEM", "Feature Explanation Method: channels above k sigma; ignores the class.", False),
        MethodInfo("ShapleyCAM", "Gradient and Hessian-vector product (Shapley view of CAM).", per_layer=True),
        MethodInfo("ScoreCAM", "Each channel masks the image; weight = class score. Gradient-free.", False, True),
        MethodInfo(
            "AblationCAM",
            "Drop each channel, measure the score drop. Gradient-free.",
            False,
            True,
            False,
            True,
        ),
        MethodInfo(
            "FullGrad",
            "Input gradient plus every bias gradient; one map for the whole model.",
            True,
            False,
            True,
            True,
        ),
    )
}
BASELINE = "RandomCAM"


def available_methods() -> list[str]:
    """The methods above that the installed pytorch-grad-cam provides."""
    import pytorch_grad_cam

    return [name for name in METHODS if hasattr(pytorch_grad_cam, name)]
