"""Structured logging set-up."""

from cerulean.observability.logging import configure_logging

__all__ = ["configure_logging"]
