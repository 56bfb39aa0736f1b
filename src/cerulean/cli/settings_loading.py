"""Settings for the commands that run in this process (`serve` and the operator commands)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from pydantic import ValidationError

from cerulean.settings import Settings, load_settings

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["settings_or_exit"]


def settings_or_exit(config_file: Path | None = None, **overrides: Any) -> Settings:  # noqa: ANN401 - any field's type
    """`load_settings`, or what is wrong with them on stderr and exit status 2 (never a traceback)."""
    try:
        return load_settings(config_file, **overrides)
    except ValidationError as exc:
        typer.echo(f"cerulean: invalid settings\n{exc}", err=True)
        raise typer.Exit(2) from exc
