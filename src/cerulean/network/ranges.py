"""Address ranges compiled for lookup by bisection: the shape both IP rules and trusted proxies take.

    rules (in order)            elementary segments          table (gaps dropped, neighbours merged)
    10.0.0.0/8   ─────────      [10.0.0.0, 10.1.0.0)  → #0    starts: [10.0.0.0, 10.1.0.0, 10.1.1.0]
    10.1.0.0/24     ──          [10.1.0.0, 10.1.1.0)  → #0    ends:   [...]
                                ...                          labels: ["10.0.0.0/8", ...]

Each segment is labelled with the *first* rule covering it, so a decision can name the rule that let a
client through. A lookup is one `bisect` over a sorted list of integers: its cost does not depend on how
the rules overlap, and 200 rules cost about what 2 do.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["RangeTable"]


class RangeTable:
    """Disjoint, sorted integer ranges ``[first, last]``, each with the label of the rule that owns it."""

    __slots__ = ("_ends", "_labels", "_starts")

    def __init__(self, ranges: Iterable[tuple[int, int, str]]) -> None:
        """Compile `(first, last, label)` triples; where ranges overlap, the earlier one's label wins."""
        given = [(first, last, label) for first, last, label in ranges if first <= last]
        points = sorted({p for first, last, _ in given for p in (first, last + 1)})
        owners: list[str | None] = [None] * max(len(points) - 1, 0)
        for first, last, label in given:
            # Rules are few (ACR allows 200) and compiled once per policy version: a plain sweep will do.
            for segment in range(bisect_left(points, first), bisect_left(points, last + 1)):
                if owners[segment] is None:
                    owners[segment] = label
        starts: list[int] = []
        ends: list[int] = []
        labels: list[str] = []
        for segment, owner in enumerate(owners):
            if owner is None:
                continue
            first, last = points[segment], points[segment + 1] - 1
            if labels and labels[-1] == owner and ends[-1] + 1 == first:
                ends[-1] = last
                continue
            starts.append(first)
            ends.append(last)
            labels.append(owner)
        self._starts = starts
        self._ends = ends
        self._labels = labels

    def lookup(self, value: int) -> str | None:
        """The label of the range holding `value`, or None."""
        index = bisect_right(self._starts, value) - 1
        if index >= 0 and value <= self._ends[index]:
            return self._labels[index]
        return None

    def __len__(self) -> int:
        return len(self._starts)

    def __bool__(self) -> bool:
        return bool(self._starts)
