"""A Microsoft-Graph-shaped API for the embedded directory (`/v1.0/`)."""

from cerulean.server.msgraph.app import GraphApi

__all__ = ["GraphApi"]
