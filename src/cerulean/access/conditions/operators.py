r"""Comparison operators: spellings, operand types, and the meaning of each.

Every operator is a *base* (`StringEquals`, `NumericLessThan`, ...) optionally prefixed by a
cross-product quantifier (`ForAnyOfAnyValues:`, ...). Operands are lists of values (a single value is
a list of one); the quantifier says how the pairwise results combine:

    ForAnyOfAnyValues   some left value matches some right value
    ForAllOfAnyValues   every left value matches some right value
    ForAnyOfAllValues   some left value matches every right value
    ForAllOfAllValues   every left value matches every right value

Without a quantifier a positive base behaves as `ForAnyOfAnyValues` (`@x StringEquals {'a','b'}` is
"equals a or b") and a negated base as the negation of its positive twin (`StringNotEquals {'a','b'}` is
"neither a nor b") — our reading of "Negation of StringEquals", written down because the reference is
silent on multi-valued operands. Values of the wrong type never match. Like patterns: `*` any run of
characters, `?` one character, `\*`, `\?` and `\\` literal.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "BASE_OPERATORS",
    "BaseOperator",
    "Family",
    "Operator",
    "Quantifier",
    "compare_pair",
    "compile_like",
    "datetime_ticks",
    "lookup_operator",
    "normalise_guid",
]

_GUID: Final = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DATETIME: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?Z")
_EPOCH: Final = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
_TICKS_PER_SECOND: Final = 10_000_000


class Family(StrEnum):
    """The operand type an operator compares."""

    STRING = "string"
    NUMERIC = "numeric"
    DATETIME = "datetime"
    GUID = "guid"
    BOOL = "bool"


class Quantifier(StrEnum):
    """Cross-product prefixes."""

    ANY_OF_ANY = "ForAnyOfAnyValues"
    ALL_OF_ANY = "ForAllOfAnyValues"
    ANY_OF_ALL = "ForAnyOfAllValues"
    ALL_OF_ALL = "ForAllOfAllValues"


@dataclass(frozen=True, slots=True)
class _Spec:
    spelling: str
    family: Family
    test: str  # eq, startswith, like, gt, ge, lt, le
    negated: bool
    ignore_case: bool
    cross_product: bool


def _spec(spelling: str, family: Family, test: str, *, cross: bool = True) -> _Spec:
    return _Spec(
        spelling,
        family,
        test,
        negated="Not" in spelling,
        ignore_case=spelling.endswith("IgnoreCase"),
        cross_product=cross,
    )


class BaseOperator(Enum):
    """Every base operator of condition language 2.0 (reference §4.2)."""

    STRING_EQUALS = _spec("StringEquals", Family.STRING, "eq")
    STRING_EQUALS_IGNORE_CASE = _spec("StringEqualsIgnoreCase", Family.STRING, "eq")
    STRING_NOT_EQUALS = _spec("StringNotEquals", Family.STRING, "eq")
    STRING_NOT_EQUALS_IGNORE_CASE = _spec("StringNotEqualsIgnoreCase", Family.STRING, "eq")
    STRING_STARTS_WITH = _spec("StringStartsWith", Family.STRING, "startswith", cross=False)
    STRING_STARTS_WITH_IGNORE_CASE = _spec(
        "StringStartsWithIgnoreCase", Family.STRING, "startswith", cross=False
    )
    STRING_NOT_STARTS_WITH = _spec("StringNotStartsWith", Family.STRING, "startswith", cross=False)
    STRING_NOT_STARTS_WITH_IGNORE_CASE = _spec(
        "StringNotStartsWithIgnoreCase", Family.STRING, "startswith", cross=False
    )
    STRING_LIKE = _spec("StringLike", Family.STRING, "like")
    STRING_LIKE_IGNORE_CASE = _spec("StringLikeIgnoreCase", Family.STRING, "like")
    STRING_NOT_LIKE = _spec("StringNotLike", Family.STRING, "like")
    STRING_NOT_LIKE_IGNORE_CASE = _spec("StringNotLikeIgnoreCase", Family.STRING, "like")
    NUMERIC_EQUALS = _spec("NumericEquals", Family.NUMERIC, "eq")
    NUMERIC_NOT_EQUALS = _spec("NumericNotEquals", Family.NUMERIC, "eq")
    NUMERIC_GREATER_THAN = _spec("NumericGreaterThan", Family.NUMERIC, "gt")
    NUMERIC_GREATER_THAN_EQUALS = _spec("NumericGreaterThanEquals", Family.NUMERIC, "ge")
    NUMERIC_LESS_THAN = _spec("NumericLessThan", Family.NUMERIC, "lt")
    NUMERIC_LESS_THAN_EQUALS = _spec("NumericLessThanEquals", Family.NUMERIC, "le")
    DATETIME_EQUALS = _spec("DateTimeEquals", Family.DATETIME, "eq", cross=False)
    DATETIME_NOT_EQUALS = _spec("DateTimeNotEquals", Family.DATETIME, "eq", cross=False)
    DATETIME_GREATER_THAN = _spec("DateTimeGreaterThan", Family.DATETIME, "gt", cross=False)
    DATETIME_GREATER_THAN_EQUALS = _spec("DateTimeGreaterThanEquals", Family.DATETIME, "ge", cross=False)
    DATETIME_LESS_THAN = _spec("DateTimeLessThan", Family.DATETIME, "lt", cross=False)
    DATETIME_LESS_THAN_EQUALS = _spec("DateTimeLessThanEquals", Family.DATETIME, "le", cross=False)
    GUID_EQUALS = _spec("GuidEquals", Family.GUID, "eq")
    GUID_NOT_EQUALS = _spec("GuidNotEquals", Family.GUID, "eq")
    BOOL_EQUALS = _spec("BoolEquals", Family.BOOL, "eq", cross=False)
    BOOL_NOT_EQUALS = _spec("BoolNotEquals", Family.BOOL, "eq", cross=False)

    @property
    def spelling(self) -> str:
        """The operator as written in a condition."""
        return self.value.spelling

    @property
    def family(self) -> Family:
        """The type of value the operator compares."""
        return self.value.family

    @property
    def negated(self) -> bool:
        """Whether this is the `Not` form of another operator."""
        return self.value.negated

    @property
    def ignore_case(self) -> bool:
        """Whether strings are compared without regard to case."""
        return self.value.ignore_case

    @property
    def cross_product(self) -> bool:
        """Whether the operator may follow a `ForXOfYValues:` quantifier."""
        return self.value.cross_product

    @property
    def test(self) -> str:
        """The positive comparison (`eq`, `startswith`, `like`, `gt`, `ge`, `lt`, `le`)."""
        return self.value.test


BASE_OPERATORS: Final = {op.spelling: op for op in BaseOperator}


@dataclass(frozen=True, slots=True)
class Operator:
    """A base operator with an optional cross-product quantifier."""

    base: BaseOperator
    quantifier: Quantifier | None = None

    @property
    def spelling(self) -> str:
        """The operator as written in a condition."""
        if self.quantifier is None:
            return self.base.spelling
        return f"{self.quantifier}:{self.base.spelling}"


def lookup_operator(spelling: str) -> Operator | None:
    """The operator spelled exactly `spelling` (operator names are case-sensitive), or `None`."""
    prefix, colon, rest = spelling.partition(":")
    if not colon:
        base = BASE_OPERATORS.get(spelling)
        return None if base is None else Operator(base)
    quantifier = next((q for q in Quantifier if q.value == prefix), None)
    base = BASE_OPERATORS.get(rest)
    if quantifier is None or base is None or not base.cross_product:
        return None
    return Operator(base, quantifier)


def normalise_guid(value: str) -> str | None:
    """The lower-case form of a GUID in `8-4-4-4-12` form, or `None`."""
    return value.lower() if _GUID.fullmatch(value) else None


def datetime_ticks(value: object) -> int | None:
    """100-nanosecond ticks of `yyyy-mm-ddThh:mm:ss[.fffffff]Z` or an aware datetime; else `None`."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return None
        delta = value.astimezone(dt.UTC) - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * _TICKS_PER_SECOND + delta.microseconds * 10
    if not isinstance(value, str):
        return None
    match = _DATETIME.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction = match.groups()
    try:
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=dt.UTC
        )
    except ValueError:
        return None
    delta = moment - _EPOCH
    ticks = (delta.days * 86_400 + delta.seconds) * _TICKS_PER_SECOND
    return ticks + int((fraction or "0").ljust(7, "0"))


@functools.lru_cache(maxsize=1024)
def compile_like(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
    """The regular expression equivalent of a Like pattern (whole-string match)."""
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*?\\":
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
        i += 1
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _as_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _as_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _as_bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _as_guid(value: object) -> str | None:
    return normalise_guid(value) if isinstance(value, str) else None


_ORDER: Final[dict[str, Callable[[int, int], bool]]] = {
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
}


def compare_pair(op: BaseOperator) -> Callable[[object, object], bool | None]:
    """The *positive* test of `op` on one (left, right) pair; `None` when the values are not comparable.

    The `Not` forms negate this result, but an incomparable pair (wrong type, malformed GUID or date)
    never matches under any operator.
    """
    family, test = op.family, op.test
    if family is Family.STRING:
        fold = op.ignore_case

        def string_pair(left: object, right: object) -> bool | None:
            a, b = _as_str(left), _as_str(right)
            if a is None or b is None:
                return None
            if test == "like":
                return compile_like(b, ignore_case=fold).fullmatch(a) is not None
            if fold:
                a, b = a.casefold(), b.casefold()
            return a == b if test == "eq" else a.startswith(b)

        return string_pair
    convert: Callable[[object], object] = {
        Family.NUMERIC: _as_int,
        Family.DATETIME: datetime_ticks,
        Family.GUID: _as_guid,
        Family.BOOL: _as_bool,
    }[family]

    def typed_pair(left: object, right: object) -> bool | None:
        a, b = convert(left), convert(right)
        if a is None or b is None:
            return None
        if test == "eq":
            return a == b
        assert isinstance(a, int), "ordered tests exist only for numbers and dates"
        assert isinstance(b, int), "ordered tests exist only for numbers and dates"
        return _ORDER[test](a, b)

    return typed_pair
