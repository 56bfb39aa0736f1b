"""The trusted-service bypass as the token gate and the token endpoints apply it (`auth.Admission`).

The network gate lets a request that the rules refused go on only when a trusted identity exists for
the registry, leaving a `PendingBypass` in the scope's state. Whoever then authenticates the request
passes `admission_for(state)` to `RegistryAuth`: the credential's token must *claim* a trusted
identity before anything is verified (so refused clients never cost a signature check), and the
verified caller must *be* one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cerulean.auth.errors import NetworkRefusedError
from cerulean.network import unverified_object_id

if TYPE_CHECKING:
    from cerulean.access import Principal
    from cerulean.network import PendingBypass

__all__ = ["BypassAdmission", "admission_for"]


class BypassAdmission:
    """The two halves of the trusted-service bypass for one request."""

    __slots__ = ("_pending", "_state")

    def __init__(self, pending: PendingBypass, state: dict[str, Any]) -> None:
        self._pending = pending
        self._state = state

    def _refuse(self, why: str) -> NetworkRefusedError:
        reason = self._pending.refusal(why)
        self._state["network_refusal"] = reason
        return NetworkRefusedError(reason, self._pending.decision.message)

    def claimed(self, token: str | None) -> None:
        """Refuse before verification unless the token claims a trusted identity."""
        if token is None:
            raise self._refuse("a credential without a token names no trusted identity")
        if not self._pending.claims_trusted(unverified_object_id(token)):
            raise self._refuse("the credential does not name a trusted identity")

    def admitted(self, principal: Principal) -> None:
        """Refuse unless the authenticated caller is a trusted identity."""
        if not principal.kind.is_entra or not self._pending.admits(principal.object_id):
            raise self._refuse(f"{principal.describe()} is not a trusted identity")


def admission_for(state: dict[str, Any]) -> BypassAdmission | None:
    """The admission a request's state asks for (None: the network rules let it in outright)."""
    pending: PendingBypass | None = state.get("network_bypass")
    return None if pending is None else BypassAdmission(pending, state)
