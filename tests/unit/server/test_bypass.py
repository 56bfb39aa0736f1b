from __future__ import annotations

import base64
import json

import pytest

from cerulean.access import Principal, PrincipalKind
from cerulean.auth.errors import NetworkRefusedError
from cerulean.network import NetworkDecision, NetworkReason, PendingBypass
from cerulean.server.bypass import admission_for

TRUSTED = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
DECISION = NetworkDecision(False, NetworkReason.PUBLIC_ACCESS_DISABLED, "203.0.113.9")


def token(oid: str) -> str:
    claims = base64.urlsafe_b64encode(json.dumps({"oid": oid}).encode()).decode().rstrip("=")
    return f"e30.{claims}.sig"


def test_no_pending_bypass_no_admission():
    assert admission_for({}) is None


def test_each_half_refuses_with_the_firewall_message_and_records_why():
    state = {"network_bypass": PendingBypass(DECISION, frozenset({TRUSTED}))}
    admission = admission_for(state)
    assert admission is not None
    admission.claimed(token(TRUSTED))
    admission.admitted(Principal(PrincipalKind.MANAGED_IDENTITY, TRUSTED, "t"))
    with pytest.raises(NetworkRefusedError) as none:
        admission.claimed(None)
    assert none.value.status == 403
    assert none.value.message == DECISION.message
    assert "without a token" in state["network_refusal"]
    with pytest.raises(NetworkRefusedError):
        admission.claimed(token("someone-else"))
    # The verified caller must be the trusted one, and an Entra principal (not an admin of that name).
    for principal in (
        Principal(PrincipalKind.SERVICE_PRINCIPAL, "someone-else", "t"),
        Principal(PrincipalKind.ADMIN, TRUSTED, "t"),
    ):
        with pytest.raises(NetworkRefusedError) as refused:
            admission.admitted(principal)
        assert "is not a trusted identity" in refused.value.reason
        assert refused.value.reason.startswith("network: refused: public network access is disabled")
