"""The ASGI edge: the only package that imports Starlette."""

from cerulean.server.app import build_admin_app, build_app
from cerulean.server.metrics import Metrics

__all__ = ["Metrics", "build_admin_app", "build_app"]
