from __future__ import annotations

import base64
import json

import pytest

from cerulean.network import NetworkDecision, NetworkReason, PendingBypass, unverified_object_id

OID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def jwt(claims: object) -> str:
    def part(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part(claims)}.signature"


def test_the_claimed_object_id_is_read_without_verifying():
    assert unverified_object_id(jwt({"oid": OID.upper()})) == OID


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-jwt",
        "a.b",
        "a.!!!.c",
        jwt(["oid"]),
        jwt({"oid": 7}),
        jwt({"oid": ""}),
        jwt({"sub": OID}),
        "a." + base64.urlsafe_b64encode(b"\xff\xfe").decode() + ".c",
        jwt({"oid": OID}) + "x" * 20_000,
    ],
)
def test_anything_else_claims_nobody(token):
    assert unverified_object_id(token) is None


def test_pending_bypass_halves():
    decision = NetworkDecision(False, NetworkReason.NO_MATCHING_RULE, "203.0.113.9")
    pending = PendingBypass(decision, frozenset({OID}))
    assert pending.claims_trusted(OID.upper())
    assert not pending.claims_trusted(None)
    assert not pending.claims_trusted("someone-else")
    assert pending.admits(OID)
    assert not pending.admits("someone-else")
    assert pending.refusal("no token") == (
        "network: refused: default action Deny and no IP rule matches client 203.0.113.9;"
        " no trusted-service bypass: no token"
    )
