from components.planned import show_planned

show_planned(
    "embeddings",
    [
        "Load an image or text dataset into FiftyOne and embed it.",
        "Project it with PCA, UMAP or t-SNE; lasso clusters and outliers.",
        "See the selected samples and tag, relabel or delete them, with undo.",
    ],
)
