"""The composition root's one piece of naming logic: the cloud's ACR login-server suffix."""

from __future__ import annotations

import pytest

from cerulean.bootstrap import acr_login_server_suffix


@pytest.mark.parametrize(
    ("registry", "login_server", "suffix"),
    [
        ("cerulean", "cerulean.example.com", ".example.com"),
        ("Cerulean", "cerulean.example.com:8443", ".example.com:8443"),
        ("localhost", "localhost:5000", ":5000"),
        ("localhost", "LOCALHOST:5000", ":5000"),
    ],
)
def test_the_served_registry_is_its_name_and_the_suffix(
    registry: str, login_server: str, suffix: str
) -> None:
    assert acr_login_server_suffix(registry, login_server) == suffix
    assert (registry + suffix).lower() == login_server.lower()  # what `az acr login -n` falls back to


@pytest.mark.parametrize(
    ("registry", "login_server", "suffix"),
    [
        ("cerulean", "127.0.0.1:5000", ".localhost:5000"),
        ("cerulean", "[::1]:5000", ".localhost:5000"),
        ("cerulean", "registry.example.com", ".registry.example.com"),
        ("cerulean", "ceruleanx.example.com", ".ceruleanx.example.com"),  # a longer name is not the name
        ("cerulean", "registry.example.com:8443", ".registry.example.com:8443"),
    ],
)
def test_otherwise_it_is_where_registries_created_through_arm_live(
    registry: str, login_server: str, suffix: str
) -> None:
    assert acr_login_server_suffix(registry, login_server) == suffix
