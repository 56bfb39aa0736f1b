from __future__ import annotations

import pytest

from cerulean.identity.errors import InvalidResourceError, InvalidScopeError
from cerulean.identity.resources import ResourceCatalog

CATALOG = ResourceCatalog("https://127.0.0.1:5000")


@pytest.mark.parametrize(
    ("scope", "resource"),
    [
        ("https://containerregistry.azure.net/.default", "https://containerregistry.azure.net"),
        ("https://management.core.windows.net//.default", "https://management.core.windows.net/"),
        ("https://management.core.windows.net/.default", "https://management.core.windows.net/"),
        ("https://management.azure.com/.default", "https://management.azure.com"),
        ("https://127.0.0.1:5000//.default", "https://127.0.0.1:5000"),
        ("https://graph.microsoft.com/.default offline_access openid profile", "https://graph.microsoft.com"),
        ("https://management.azure.com/user_impersonation", "https://management.azure.com"),
    ],
)
def test_scope_names_one_canonical_resource(scope: str, resource: str) -> None:
    assert CATALOG.parse(scope, "t").resource == resource


def test_oidc_scopes_are_kept_apart() -> None:
    parsed = CATALOG.parse("https://containerregistry.azure.net/.default openid offline_access", "t")
    assert parsed.oidc == {"openid", "offline_access"}


@pytest.mark.parametrize(
    ("scope", "error", "code"),
    [
        ("openid profile", InvalidScopeError, 70011),
        ("not-a-url/.default", InvalidScopeError, 70011),
        ("https://vault.azure.net/.default", InvalidResourceError, 500011),
        (
            "https://management.azure.com/.default https://graph.microsoft.com/.default",
            InvalidScopeError,
            28000,
        ),
    ],
)
def test_bad_scopes(scope: str, error: type[Exception], code: int) -> None:
    with pytest.raises(error) as raised:
        CATALOG.parse(scope, "t")
    assert getattr(raised.value, "code", None) == code
