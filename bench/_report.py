"""The end of a `bench.registry` run: a table for people, then one `name=value` line per figure for tools."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

SIDES = ("distribution", "cerulean")


@dataclass(frozen=True)
class Row:
    """One measured quantity, both sides, and the issue's target for it."""

    title: str
    key: str  # figures are f"{key}_{side}"; the ratio is f"{ratio}" when set
    ratio: str = ""
    target: str = ""
    met: Callable[[dict[str, float]], bool | None] = lambda _: None


def _at_least(name: str, goal: float) -> Callable[[dict[str, float]], bool | None]:
    return lambda figures: None if name not in figures else figures[name] >= goal


def _lower_p99(figures: dict[str, float]) -> bool | None:
    ours, theirs = (
        figures.get("manifest_get_p99_ms_cerulean"),
        figures.get("manifest_get_p99_ms_distribution"),
    )
    return None if ours is None or theirs is None else ours < theirs


ROWS = (
    Row("push monolithic (GB/s)", "push_monolithic_gbps", "push_monolithic_ratio", ">= 2.0",
        _at_least("push_monolithic_ratio", 2.0)),
    Row("push chunked, 8 MiB PATCHes (GB/s)", "push_chunked_gbps", "push_chunked_ratio", ">= 2.0",
        _at_least("push_chunked_ratio", 2.0)),
    Row("pull (GB/s)", "pull_gbps", "pull_ratio", ">= 1.2", _at_least("pull_ratio", 1.2)),
    Row("manifest GET by tag, bearer, 64 conns (req/s)", "manifest_get_rps", "authed_manifest_get_ratio",
        ">= 8.0",
        _at_least("authed_manifest_get_ratio", 8.0)),
    Row("manifest GET p99 (ms)", "manifest_get_p99_ms", "", "lower", _lower_p99),
)  # fmt: skip


def _value(value: float | None) -> str:
    return "-" if value is None else f"{value:,.3f}"


def _verdict(met: bool | None) -> str:
    return "" if met is None else ("met" if met else "MISSED")


def table(figures: dict[str, float], heading: str) -> list[str]:
    """Rows for what was measured; the RSS and client-ceiling figures follow as single values."""
    lines = [heading, f"{'figure':<40}{'distribution':>14}{'cerulean':>14}{'ratio':>9}  target"]
    for row in ROWS:
        sides = [figures.get(f"{row.key}_{side}") for side in SIDES]
        if all(value is None for value in sides):
            continue
        ratio = figures.get(row.ratio) if row.ratio else None
        cells = "".join(f"{_value(value):>14}" for value in sides)
        ratio_text = "" if ratio is None else f"{ratio:.2f}"
        lines.append(f"{row.title:<40}{cells}{ratio_text:>9}  {row.target:<7} {_verdict(row.met(figures))}")
    for name, value in figures.items():
        if "_rss_growth_mib" in name:
            side = name.rsplit("mib", 1)[1].lstrip("_") or "cerulean"
            verdict = _verdict(value < 64) if side == "cerulean" else ""
            lines.append(
                f"{'upload RSS growth, ' + side + ' (MiB)':<40}{_value(value):>28}{'':>9}  < 64    {verdict}"
            )
        elif name.startswith(("upload_", "push_monolithic_client", "push_chunked_client")):
            lines.append(f"{name:<40}{_value(value):>28}")
    return lines


def emit(figures: dict[str, float], heading: str) -> None:
    """The table, a blank line, then exactly one `name=value` line per figure, the very last lines."""
    print("\n".join(["", *table(figures, heading), ""]))
    last = ("authed_manifest_get_ratio", "token_grants_per_s")
    for name, value in [
        *((n, v) for n, v in figures.items() if n not in last),
        *((n, figures[n]) for n in last if n in figures),
    ]:
        print(f"{name}={value:.3f}")
