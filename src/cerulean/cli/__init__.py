"""The `cerulean` command."""

from cerulean.cli.main import app, main

__all__ = ["app", "main"]
