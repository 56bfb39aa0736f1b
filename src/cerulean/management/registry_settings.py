"""A registry's settable properties as ARM sends them, checked; and ACR's SKU gates on the result.

SKU gates follow ACR: anonymous pull needs Standard or Premium; IP rules, a default action of Deny,
disabled public access and dedicated data endpoints need Premium (so a downgrade is refused while any
is on). IP rules are IPv4 addresses or CIDRs with the action Allow, at most 200.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Final

from cerulean.access import InvalidModeError, Sku
from cerulean.access.modes import PermissionMode, parse_mode
from cerulean.management.errors import BadRequestError
from cerulean.management.gate import same

if TYPE_CHECKING:
    from cerulean.arm.models import RegistryResource

__all__ = ["MAX_IP_RULES", "check_sku", "default_action", "ip_rules", "permission_mode", "sku"]

MAX_IP_RULES: Final = 200


def sku(value: str) -> Sku:
    """A `sku.name`, in any case."""
    for known in Sku:
        if same(known.value, value):
            return known
    raise BadRequestError(
        f"The SKU '{value[:40]}' is not valid; expected Basic, Standard or Premium.", target="sku.name"
    )


def permission_mode(value: str) -> PermissionMode:
    """`properties.roleAssignmentMode`."""
    try:
        return parse_mode(value)
    except InvalidModeError as error:
        raise BadRequestError(str(error), target="properties.roleAssignmentMode") from None


def default_action(value: str) -> str:
    """`networkRuleSet.defaultAction`: Allow or Deny."""
    for action in ("Allow", "Deny"):
        if same(action, value):
            return action
    raise BadRequestError(
        f"The default action '{value[:20]}' is invalid; expected 'Allow' or 'Deny'.",
        target="properties.networkRuleSet.defaultAction",
    )


def ip_rules(values: tuple[str, ...]) -> tuple[str, ...]:
    """`networkRuleSet.ipRules[].value`: IPv4 addresses or CIDRs only, at most 200."""
    target = "properties.networkRuleSet.ipRules"
    if len(values) > MAX_IP_RULES:
        raise BadRequestError(
            f"A registry can have at most {MAX_IP_RULES} IP rules; {len(values)} were given.",
            code="TooManyIpRules",
            target=target,
        )
    checked = []
    for value in values:
        text = value.strip()
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise BadRequestError(
                f"The IP rule '{text[:60]}' is not an IPv4 address or CIDR range.",
                code="InvalidIpRule",
                target=target,
            ) from None
        if network.version != 4:  # noqa: PLR2004 - ACR: "Only IPV4 address is allowed"
            raise BadRequestError(
                f"The IP rule '{text[:60]}' is invalid: only IPv4 addresses are allowed.",
                code="InvalidIpRule",
                target=target,
            )
        checked.append(text)
    return tuple(checked)


def check_sku(registry: RegistryResource) -> None:
    """Settings the registry's SKU does not offer are refused, naming the SKU."""
    tier = Sku(registry.sku)
    if registry.anonymous_pull_enabled and not tier.offers_anonymous_pull:
        raise BadRequestError(
            f"Anonymous pull is not supported for the SKU '{tier}'. Use the Standard or Premium SKU.",
            code="AnonymousPullNotSupportedForSku",
            target="properties.anonymousPullEnabled",
        )
    if tier is Sku.PREMIUM:
        return
    premium_only = [
        (bool(registry.ip_rules) or registry.network_default_action == "Deny", "Network rules are",
         "properties.networkRuleSet"),
        (not registry.public_network_access, "Disabling public network access is",
         "properties.publicNetworkAccess"),
        (registry.data_endpoint_enabled, "Dedicated data endpoints are", "properties.dataEndpointEnabled"),
    ]  # fmt: skip
    for used, feature, target in premium_only:
        if used:
            raise BadRequestError(
                f"{feature} not supported for the SKU '{tier}'. Use the Premium SKU.",
                code="FeatureNotSupportedForSku",
                target=target,
            )
