"""The ARM-shaped management API (FastAPI): registries, role definitions and role assignments."""

from cerulean.server.management.app import build_management_app, is_management_path

__all__ = ["build_management_app", "is_management_path"]
