"""Schemathesis over the management API's own OpenAPI document: no 5xx, errors in ARM's shape.

Every operation is called with generated paths, queries and bodies under the bootstrap owner's token
(Owner at `/`, so requests reach the handlers rather than stopping at 403). The run is bounded
(`EXAMPLES` per operation) so that it is part of `make test`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from support.arm import Arm, running_arm

EXAMPLES = 30


@pytest.fixture(scope="module")
def arm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Arm]:
    with running_arm(tmp_path_factory.mktemp("openapi")) as running:
        yield running


def test_every_operation_answers_without_a_server_error(arm: Arm) -> None:
    schema = schemathesis.openapi.from_url(f"{arm.server.url}/providers/Cerulean/openapi.json", verify=arm.ca)
    headers = {"Authorization": f"Bearer {arm.arm_token()}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40  # the whole API is in the document
    failures: list[str] = []
    for operation in operations:

        @settings(
            max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy())
        def call(case: schemathesis.Case) -> None:
            response = case.call(base_url=arm.server.url, headers=headers, verify=arm.ca, timeout=30)
            where = f"{case.method} {case.formatted_path} -> {response.status_code}"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.text[:300]}")
            elif response.status_code >= 400 and case.method != "HEAD":
                error = response.json().get("error", {})
                if not (isinstance(error, dict) and error.get("code") and error.get("message")):
                    failures.append(f"{where}: not an ARM error: {response.text[:300]}")

        call()
    assert sorted(set(failures))[:20] == []
