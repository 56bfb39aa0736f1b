"""ARM's type segments are matched in any case; the names between them are left as they are."""

from __future__ import annotations

from cerulean.server.management.app import canonical_path, is_management_path


def test_type_segments_take_their_canonical_case() -> None:
    assert canonical_path(
        "/subscriptions/S/resourcegroups/Tokens/providers/microsoft.containerregistry/REGISTRIES/Scopemaps"
        "/SCOPEMAPS/x"
    ) == (
        "/subscriptions/S/resourceGroups/Tokens/providers/Microsoft.ContainerRegistry/registries/Scopemaps"
        "/scopeMaps/x"
    )


def test_role_routes_under_a_registry_and_at_the_root() -> None:
    assert canonical_path(
        "/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/r"
        "/PROVIDERS/MICROSOFT.AUTHORIZATION/roleassignments/abc"
    ).endswith("/registries/r/providers/Microsoft.Authorization/roleAssignments/abc")
    assert canonical_path("/providers/microsoft.authorization/roledefinitions") == (
        "/providers/Microsoft.Authorization/roleDefinitions"
    )


def test_unknown_segments_and_names_are_unchanged() -> None:
    assert canonical_path("/subscriptions/s/whatever/Name") == "/subscriptions/s/whatever/Name"
    assert canonical_path("/") == "/"


def test_management_paths() -> None:
    assert is_management_path("/subscriptions")
    assert is_management_path("/Subscriptions/s")
    assert is_management_path("/metadata/endpoints")
    assert is_management_path("/tenants")
    assert not is_management_path("/v2/subscriptions/manifests/latest")
    assert not is_management_path("/oauth2/token")
