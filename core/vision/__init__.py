"""Grad-CAM viewer: model registry, image loading, CAM service, faithfulness metrics, rendering."""
