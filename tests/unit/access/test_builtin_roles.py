"""The built-in role table: real GUIDs and permission blocks (reference §3.5)."""

from __future__ import annotations

import pytest

from cerulean.access.actions import ActionKind
from cerulean.access.builtin_roles import BUILTIN_ROLES, builtin_role
from cerulean.access.roles import RoleType

# GUIDs copied from reference §3.3/§3.5: a typo in the data module must fail here.
GUIDS = {
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    "AcrPush": "8311e382-0749-4cb8-b61a-304f252e45ec",
    "AcrDelete": "c2f4ef07-c644-48eb-af81-4b1b4947fb11",
    "AcrImageSigner": "6cef56e8-d556-48e5-a04f-b8e64114680f",
    "AcrQuarantineReader": "cdda3590-29a3-44f6-95f2-9f980659eb04",
    "AcrQuarantineWriter": "c8d4ff99-41c3-41a8-9f60-21dfdad59608",
    "Container Registry Repository Reader": "b93aa761-3e63-49ed-ac28-beffa264f7ac",
    "Container Registry Repository Writer": "2a1e307c-b015-4ebd-883e-5b7698a07328",
    "Container Registry Repository Contributor": "2efddaa5-3f1f-4df3-97df-af3f13818f4c",
    "Container Registry Repository Catalog Lister": "bfdb9389-c9a5-478a-bb2f-ba9ca092c3c7",
    "Container Registry Data Importer and Data Reader": "577a9874-89fd-4f24-9dbd-b5034d0ad23a",
    "Container Registry Contributor and Data Access Configuration Administrator": (
        "3bc748fc-213d-45c1-8d91-9da5725539b9"
    ),
    "Container Registry Configuration Reader and Data Access Configuration Reader": (
        "69b07be0-09bf-439a-b9a6-e73de851bd59"
    ),
    "Container Registry Tasks Contributor": "fb382eab-e894-4461-af04-94435c366c3f",
    "Container Registry Transfer Pipeline Contributor": "bf94e731-3a51-4a7c-8c54-a1ab9971dfc1",
    "Container Registry Cache Rule Administrator": "df87f177-bb12-4db1-9793-a413691eff94",
    "Container Registry Cache Rule Reader": "c357b964-0002-4b64-a50d-7a28f02edc52",
    "Container Registry Credential Set Administrator": "f094fb07-0703-4400-ad6a-e16dd8000e14",
    "Container Registry Credential Set Reader": "29093635-9924-4f2c-913b-650a12949526",
}


@pytest.mark.parametrize(("name", "guid"), list(GUIDS.items()))
def test_guids(name, guid):
    role = builtin_role(name)
    assert role.id == guid
    assert builtin_role(guid) is role
    assert builtin_role(name.upper()) is role
    assert role.role_type is RoleType.BUILT_IN
    assert [s.text for s in role.assignable_scopes] == ["/"]


def test_names_and_ids_are_unique():
    assert len({r.id for r in BUILTIN_ROLES}) == len(BUILTIN_ROLES)
    assert len({r.name.casefold() for r in BUILTIN_ROLES}) == len(BUILTIN_ROLES)


def test_unknown_role():
    with pytest.raises(KeyError):
        builtin_role("Superuser")


def test_documented_descriptions():
    assert builtin_role("AcrPull").description == "acr pull"
    assert builtin_role("Container Registry Repository Catalog Lister").description == (
        "Allows for listing all repositories in an Azure Container Registry."
    )


def test_contributor_cannot_manage_role_assignments_but_owner_can():
    write = "Microsoft.Authorization/roleAssignments/write"
    assert builtin_role("Owner").grants(write, ActionKind.ACTION)
    assert not builtin_role("Contributor").grants(write, ActionKind.ACTION)
    assert builtin_role("Contributor").grants(
        "Microsoft.Authorization/roleAssignments/read", ActionKind.ACTION
    )
    assert builtin_role("Role Based Access Control Administrator").grants(write, ActionKind.ACTION)


def test_configuration_roles_read_admin_credentials_but_hold_no_data_rights():
    for name in (
        "Container Registry Contributor and Data Access Configuration Administrator",
        "Container Registry Configuration Reader and Data Access Configuration Reader",
    ):
        role = builtin_role(name)
        assert role.grants("Microsoft.ContainerRegistry/registries/listCredentials/action", ActionKind.ACTION)
        assert not role.grants("Microsoft.ContainerRegistry/registries/pull/read", ActionKind.ACTION)
        assert not role.has_data_actions
    admin = builtin_role("Container Registry Contributor and Data Access Configuration Administrator")
    assert admin.grants("Microsoft.ContainerRegistry/registries/tokens/write", ActionKind.ACTION)
    assert not admin.grants("Microsoft.Authorization/roleAssignments/write", ActionKind.ACTION)
