"""Errors of the condition language.

Every failure to turn text into a condition is a `ConditionParseError` that knows where it happened
and what was expected there::

    AccessError                      (cerulean.access.errors)
    └── ConditionError
        └── ConditionParseError      offset, line, column, expected; str() renders a caret
            ├── ConditionSyntaxError the text does not follow the grammar (incl. unparenthesised AND/OR)
            ├── ConditionTypeError   an operator applied to a literal of the wrong type, a malformed GUID/date
            └── ConditionLimitError  longer than MAX_LENGTH or nested deeper than MAX_DEPTH

Evaluation never raises: a condition that cannot be satisfied is false, and the explanation says why.
"""

from __future__ import annotations

from cerulean.access.errors import AccessError

__all__ = [
    "ConditionError",
    "ConditionLimitError",
    "ConditionParseError",
    "ConditionSyntaxError",
    "ConditionTypeError",
]

_CONTEXT = 60  # characters of source shown either side of the error position


class ConditionError(AccessError):
    """Base class of condition-language errors."""


class ConditionParseError(ConditionError):
    """A condition that cannot be compiled; carries its position and what was expected there."""

    def __init__(self, message: str, source: str, offset: int, expected: tuple[str, ...] = ()) -> None:
        self.message = message
        self.source = source
        self.offset = max(0, min(offset, len(source)))
        self.expected = expected
        before = source[: self.offset]
        self.line = before.count("\n") + 1
        self.column = self.offset - (before.rfind("\n") + 1) + 1
        super().__init__(self._render())

    def _render(self) -> str:
        text = f"{self.message} (line {self.line}, column {self.column})"
        if self.expected:
            text += f"; expected {_join(self.expected)}"
        return f"{text}\n{self.caret()}"

    def caret(self) -> str:
        """The offending source line, shortened around the position, with `^` under it."""
        start = self.source.rfind("\n", 0, self.offset) + 1
        end = self.source.find("\n", self.offset)
        end = len(self.source) if end < 0 else end
        lo = max(start, self.offset - _CONTEXT)
        hi = min(end, self.offset + _CONTEXT)
        prefix = "..." if lo > start else ""
        suffix = "..." if hi < end else ""
        shown = self.source[lo:hi].replace("\t", " ")
        return f"  {prefix}{shown}{suffix}\n  {' ' * (len(prefix) + self.offset - lo)}^"

    def to_json(self) -> dict[str, object]:
        """A JSON-friendly account of the error."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "offset": self.offset,
            "line": self.line,
            "column": self.column,
            "expected": list(self.expected),
        }


def _join(items: tuple[str, ...]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


class ConditionSyntaxError(ConditionParseError):
    """The text does not follow the condition grammar."""


class ConditionTypeError(ConditionParseError):
    """An operator used with a literal of the wrong type, or a malformed GUID or date."""


class ConditionLimitError(ConditionParseError):
    """The condition is too long or nested too deeply to be accepted."""
