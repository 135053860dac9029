from components.planned import show_planned

show_planned(
    "gradcam",
    [
        "Pick a model and an image (a sample or your own); see the top-5 predictions.",
        "Compare CAM methods across layers on one colour scale, with guided backprop.",
        "Check every map's faithfulness (ROAD, deletion/insertion, randomisation test).",
    ],
)
