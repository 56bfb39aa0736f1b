import json
from pathlib import Path

import pytest

from cerulean.cli.errors import CliError
from cerulean.cli.profile import load_profile

RECORD = {
    "tenantId": "t", "subscriptionId": "s", "resourceGroup": "g", "registryName": "r",
    "loginServer": "h:1", "authorityHost": "https://h:1", "resourceManager": "https://h:1/",
    "clientId": "c", "clientSecret": "secret", "caBundle": "/ca.pem",
}  # fmt: skip


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_AUTHORITY_HOST",
                 "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


def test_the_record_is_the_default(tmp_path: Path) -> None:
    (tmp_path / "bootstrap.json").write_text(json.dumps(RECORD))
    profile = load_profile(tmp_path, None, None)
    assert profile.resource_manager == "https://h:1"
    assert (profile.client_id, profile.client_secret, profile.tenant_id) == ("c", "secret", "t")
    assert profile.ca_bundles == ("/ca.pem",)
    assert load_profile(tmp_path, None, "other").subscription_id == "other"


def test_environment_credentials_replace_the_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bootstrap.json").write_text(json.dumps(RECORD))
    monkeypatch.setenv("AZURE_CLIENT_ID", "env-client")
    monkeypatch.setenv("SSL_CERT_FILE", "/machine.pem")
    with pytest.raises(CliError, match="AZURE_CLIENT_SECRET"):  # never the record's secret for another client
        load_profile(tmp_path, None, None)
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "env-secret")
    profile = load_profile(tmp_path, "https://elsewhere:2", None)
    assert (profile.client_id, profile.client_secret) == ("env-client", "env-secret")
    assert profile.authority == "https://elsewhere:2"  # the record's authority belongs to its own server
    assert profile.ca_bundles == ("/machine.pem", "/ca.pem")


def test_without_a_record_the_environment_must_name_everything(tmp_path: Path) -> None:
    with pytest.raises(CliError) as missing:
        load_profile(tmp_path, None, None)
    assert missing.value.code == "NoCredentials"
    assert "CERULEAN_SERVER" in missing.value.message
