"""The few OData `$filter` forms the Azure CLI and SDKs send, parsed strictly.

    <property> eq '<value>'                            userPrincipalName, appId, displayName, id
    servicePrincipalNames/any(c:c eq '<value>')
    startswith(<property>,'<value>')                   (`az ad app create` looks for an existing app so)

Anything else is a 400: a filter that is not understood must not silently match everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from cerulean.server.msgraph.errors import GraphError

__all__ = ["Filter", "parse_filter"]

_EQ: Final = re.compile(r"\s*(?P<prop>[A-Za-z]+)\s+eq\s+'(?P<value>(?:[^']|'')*)'\s*")
_ANY: Final = re.compile(
    r"\s*(?P<prop>[A-Za-z]+)/any\(\s*(?P<var>[a-z])\s*:\s*(?P=var)\s+eq\s+'(?P<value>(?:[^']|'')*)'\s*\)\s*"
)
_STARTS: Final = re.compile(r"\s*startswith\(\s*(?P<prop>[A-Za-z]+)\s*,\s*'(?P<value>(?:[^']|'')*)'\s*\)\s*")
_FORMS: Final = (
    (_EQ, False, False),
    (_ANY, True, False),
    (_STARTS, False, True),
)  # (form, collection, prefix)


@dataclass(frozen=True, slots=True)
class Filter:
    """`property` equals `value` (for a collection property: contains it; with `prefix`: starts with it)."""

    property: str
    value: str
    collection: bool = False
    prefix: bool = False


def parse_filter(text: str | None, allowed: frozenset[str]) -> Filter | None:
    """The filter, if any; properties outside `allowed` are refused."""
    if text is None or not text.strip():
        return None
    match, collection, prefix = _form(text)
    prop = match["prop"]
    if prop not in allowed:
        raise GraphError.bad_request(
            f"Unsupported or invalid query filter clause specified for property '{prop}'."
        )
    return Filter(prop, match["value"].replace("''", "'"), collection, prefix)


def _form(text: str) -> tuple[re.Match[str], bool, bool]:
    for form, collection, prefix in _FORMS:
        match = form.fullmatch(text)
        if match is not None:
            return match, collection, prefix
    raise GraphError.bad_request(f"Invalid filter clause: {text[:200]}")
