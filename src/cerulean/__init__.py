"""Cerulean: a self-hosted OCI registry built around Azure Container Registry's access model."""

__all__ = ["__version__"]

__version__ = "0.1.0"
