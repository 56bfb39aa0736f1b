from __future__ import annotations

import re
import uuid

from cerulean.server.middleware import _correlation_id


def test_correlation_ids_are_random_version_4_guids() -> None:
    seen = {_correlation_id() for _ in range(1000)}
    assert len(seen) == 1000
    for text in list(seen)[:50]:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", text)
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
