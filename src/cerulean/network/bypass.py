"""Trusted-service bypass: identities that pass a refusal by the network rules, once authenticated.

ACR lets "trusted Azure services" through a registry's firewall while ``networkRuleBypassOptions`` is
``AzureServices``, and the registry's own tasks (its system-assigned identity) while
``networkRuleBypassAllowedForTasks`` is true — still authenticated and authorized as anyone else.
Which services are trusted is the operator's choice in Cerulean, as it is Microsoft's in Azure: the
``trusted_services`` setting lists their object ids (service principals or managed identities).

The check comes in two halves so that a refused client never costs a signature check:

1. `PendingBypass.claims_trusted`: before any credential is verified, the object id the credential
   *claims* (`unverified_object_id`, the ``oid`` of a JWT read without verifying it) must be a trusted
   one; a credential without one (a password, no credential) is refused on the spot.
2. `PendingBypass.admits`: after authentication, the verified principal must be a trusted one.

Only refusals by the rules (public access disabled, no matching IP rule) can be bypassed; a private
endpoint without an Approved connection is not a path to the registry at all.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from cerulean.network.decisions import NetworkDecision

__all__ = ["PendingBypass", "unverified_object_id"]

_MAX_TOKEN: Final = 16 * 1024
_JWT_PARTS: Final = 3


def unverified_object_id(token: str) -> str | None:
    """The ``oid`` claim of a JWT, *not verified* — only to decide whether verifying it is worth it."""
    if len(token) > _MAX_TOKEN:
        return None
    parts = token.strip().split(".")
    if len(parts) != _JWT_PARTS:
        return None
    payload = parts[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    oid = claims.get("oid") if isinstance(claims, dict) else None
    return oid.lower() if isinstance(oid, str) and oid else None


@dataclass(frozen=True, slots=True)
class PendingBypass:
    """A request the rules refused, let on only to see whether a trusted identity is calling."""

    decision: NetworkDecision
    trusted_ids: frozenset[str]  # lower-case object ids

    def claims_trusted(self, object_id: str | None) -> bool:
        """Whether a credential claiming `object_id` is worth authenticating."""
        return object_id is not None and object_id.lower() in self.trusted_ids

    def admits(self, object_id: str) -> bool:
        """Whether the authenticated principal with `object_id` passes the network rules."""
        return object_id.lower() in self.trusted_ids

    def refusal(self, why: str) -> str:
        """The audit reason of a refusal at either half."""
        return f"network: {self.decision.describe()}; no trusted-service bypass: {why}"
