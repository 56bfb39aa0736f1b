"""Attributes a condition can read: `@Resource[...]`, `@Request[...]`, `@Principal[...]`, `@Environment[...]`.

Names are compared without regard to case, except the part of a name between `<$` and `$>`, which
Azure uses for case-sensitive keys (`tags:Project<$key_case_sensitive$>`). A comparison whose attribute
is absent is false, whatever the operator; `Exists` is how a condition asks whether it is present.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, TypeAlias

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "REGISTRY_NAME",
    "REPOSITORY_NAME",
    "SUB_OPERATION",
    "UTC_NOW",
    "AttributeSource",
    "AttributeValue",
    "Attributes",
    "attribute_key",
]

Scalar: TypeAlias = str | int | bool | dt.datetime
AttributeValue: TypeAlias = Scalar | tuple[Scalar, ...]

REPOSITORY_NAME: Final = "Microsoft.ContainerRegistry/registries/repositories:name"
REGISTRY_NAME: Final = "Microsoft.ContainerRegistry/registries:name"
UTC_NOW: Final = "UtcNow"
SUB_OPERATION: Final = "subOperation"


class AttributeSource(StrEnum):
    """Where an attribute comes from (`@Resource`, `@Request`, `@Principal`, `@Environment`)."""

    RESOURCE = "Resource"
    REQUEST = "Request"
    PRINCIPAL = "Principal"
    ENVIRONMENT = "Environment"


def attribute_key(name: str) -> str:
    """The lookup key of an attribute name (case-insensitive outside `<$...$>`)."""
    marker = name.find("<$")
    if marker < 0:
        return name.casefold()
    return name[:marker].casefold() + name[marker:]


@dataclass(frozen=True, slots=True)
class Attributes:
    """An immutable bag of attribute values, keyed by source and name."""

    values: Mapping[tuple[AttributeSource, str], AttributeValue] = field(
        default_factory=lambda: MappingProxyType({})
    )

    @classmethod
    def of(
        cls,
        *,
        request: Mapping[str, AttributeValue] | None = None,
        resource: Mapping[str, AttributeValue] | None = None,
        principal: Mapping[str, AttributeValue] | None = None,
        environment: Mapping[str, AttributeValue] | None = None,
    ) -> Attributes:
        """Build from one mapping per source, names as written in conditions."""
        pairs: list[tuple[AttributeSource, Mapping[str, AttributeValue] | None]] = [
            (AttributeSource.REQUEST, request),
            (AttributeSource.RESOURCE, resource),
            (AttributeSource.PRINCIPAL, principal),
            (AttributeSource.ENVIRONMENT, environment),
        ]
        values = {
            (source, attribute_key(name)): value
            for source, mapping in pairs
            for name, value in (mapping or {}).items()
        }
        return cls(MappingProxyType(values))

    def get(self, source: AttributeSource, name: str) -> AttributeValue | None:
        """The value of an attribute, or `None` when it is absent."""
        return self.values.get((source, attribute_key(name)))

    def merged(self, entries: Iterable[tuple[AttributeSource, str, AttributeValue]]) -> Attributes:
        """A copy with `entries` added (overriding values of the same name)."""
        values = dict(self.values)
        values.update(((source, attribute_key(name)), value) for source, name, value in entries)
        return Attributes(MappingProxyType(values))

    def to_json(self) -> dict[str, object]:
        """A JSON-friendly view (`@Source[name]` → value)."""
        out: dict[str, object] = {}
        for (source, name), value in sorted(self.values.items()):
            shown = value.isoformat() if isinstance(value, dt.datetime) else value
            out[f"@{source}[{name}]"] = list(shown) if isinstance(shown, tuple) else shown
        return out


EMPTY: Final = Attributes()
