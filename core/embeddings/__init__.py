"""Embedding visualizer: FiftyOne store, datasets, embedders, projections, label issues, actions."""
