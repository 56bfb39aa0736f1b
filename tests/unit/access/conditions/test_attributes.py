"""Attribute bags and keys."""

from __future__ import annotations

import datetime as dt
import json

from cerulean.access.conditions.attributes import Attributes, AttributeSource, attribute_key


def test_keys_are_case_insensitive_except_tag_keys():
    assert attribute_key("Microsoft.X/y:Name") == "microsoft.x/y:name"
    assert attribute_key("Tags:Project<$Key$>") == "tags:project<$Key$>"


def test_of_get_and_merged():
    attrs = Attributes.of(request={"A": 1}, environment={"UtcNow": dt.datetime(2025, 1, 1, tzinfo=dt.UTC)})
    assert attrs.get(AttributeSource.REQUEST, "a") == 1
    assert attrs.get(AttributeSource.RESOURCE, "a") is None
    merged = attrs.merged([(AttributeSource.REQUEST, "a", 2), (AttributeSource.PRINCIPAL, "t", ("x",))])
    assert merged.get(AttributeSource.REQUEST, "A") == 2
    assert attrs.get(AttributeSource.REQUEST, "A") == 1
    data = merged.to_json()
    json.dumps(data)
    assert data["@Principal[t]"] == ["x"]
    assert data["@Environment[utcnow]"].startswith("2025-01-01")
