"""What the management commands print: the API's JSON objects (``--output json``) or a table.

Tables are az-like: one row per object, chosen columns, nothing wrapped or cut (a password or a
resource id must survive copy and paste), trailing blanks removed.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any, Final

import typer

__all__ = ["Column", "OutputFormat", "cell", "emit", "field"]

Column = tuple[str, Callable[[dict[str, Any]], object]]
_WIDTH: Final = 100_000  # wide enough that rich never wraps; lines are stripped afterwards


class OutputFormat(StrEnum):
    """``--output``."""

    TABLE = "table"
    JSON = "json"


def field(path: str) -> Callable[[dict[str, Any]], object]:
    """A getter for a dotted path (``properties.loginServer``); missing parts read as None."""
    parts = path.split(".")

    def get(item: dict[str, Any]) -> object:
        value: object = item
        for part in parts:
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    return get


def cell(value: object) -> str:
    """A value as a table shows it."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    from rich import box  # noqa: PLC0415 - rich is loaded only when a table is printed
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for header, _ in columns:
        table.add_column(header, no_wrap=True, overflow="ignore")
    for row in rows:
        table.add_row(*(cell(get(row)) for _, get in columns))
    buffer = io.StringIO()
    Console(file=buffer, width=_WIDTH, highlight=False, color_system=None, soft_wrap=False).print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def emit(value: object, output: OutputFormat, columns: Sequence[Column] = ()) -> None:
    """Print `value` (an object or a list of them) as JSON, or as a table of `columns`."""
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(value, indent=2))
        return
    if value is None:
        return
    rows = value if isinstance(value, list) else [value]
    if not columns or not all(isinstance(row, dict) for row in rows):
        typer.echo(json.dumps(value, indent=2))  # no table shape for this answer: JSON is honest
        return
    if rows:
        typer.echo(_table([row for row in rows if isinstance(row, dict)], columns))
