"""Who the management commands act as, and where they send requests.

By default the bootstrap record the server wrote on first start (``<data dir>/bootstrap.json``): its
application is Owner at ``/``. ``AZURE_TENANT_ID`` / ``AZURE_CLIENT_ID`` / ``AZURE_CLIENT_SECRET`` (the
names azure-identity reads) replace its credentials; ``--server`` / ``CERULEAN_SERVER`` its resource
manager URL. A CA bundle in ``REQUESTS_CA_BUNDLE`` / ``SSL_CERT_FILE`` is trusted besides the record's.
Without a record, the environment must name everything.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cerulean.cli.errors import CliError

__all__ = ["BOOTSTRAP_FILE", "Profile", "load_profile"]

BOOTSTRAP_FILE: Final = "bootstrap.json"  # written by cerulean.provisioning (read here as a plain file)
_DEFAULT_DATA_DIR: Final = Path(".cerulean")


@dataclass(frozen=True, slots=True)
class Profile:
    """Credentials, endpoints and defaults for one command."""

    resource_manager: str
    authority: str
    tenant_id: str
    client_id: str
    client_secret: str
    subscription_id: str | None
    resource_group: str | None
    registry_name: str | None
    ca_bundles: tuple[str, ...]


def _record(data_dir: Path) -> dict[str, str]:
    path = data_dir / BOOTSTRAP_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise CliError("BootstrapRecordUnreadable", f"{path}: {exc.strerror}") from exc
    try:
        loaded = json.loads(text)
    except ValueError as exc:
        raise CliError("BootstrapRecordInvalid", f"{path} is not JSON") from exc
    if not isinstance(loaded, dict):
        raise CliError("BootstrapRecordInvalid", f"{path} is not a JSON object")
    return {str(k): str(v) for k, v in loaded.items() if v is not None}


def load_profile(data_dir: Path | None, server: str | None, subscription: str | None) -> Profile:
    """The profile from the data directory's record, overridden by flags and environment."""
    directory = data_dir or _DEFAULT_DATA_DIR
    record = _record(directory)
    env = os.environ
    client_id = env.get("AZURE_CLIENT_ID") or record.get("clientId", "")
    # A secret from the environment goes with the environment's client, never with the record's.
    secret = env.get("AZURE_CLIENT_SECRET") if env.get("AZURE_CLIENT_ID") else record.get("clientSecret")
    tenant = env.get("AZURE_TENANT_ID") or record.get("tenantId", "")
    resource_manager = (server or record.get("resourceManager", "")).rstrip("/")
    missing = [
        name
        for name, value in (
            ("AZURE_TENANT_ID", tenant),
            ("AZURE_CLIENT_ID", client_id),
            ("AZURE_CLIENT_SECRET", secret),
            ("CERULEAN_SERVER", resource_manager),
        )
        if not value
    ]
    if missing:
        where = f"no {directory / BOOTSTRAP_FILE}" if not record else f"{directory / BOOTSTRAP_FILE} lacks it"
        raise CliError(
            "NoCredentials", f"{where}; set --data-dir, or {', '.join(missing)} in the environment"
        )
    # The record's authority belongs to the record's server: another --server brings its own.
    authority = env.get("AZURE_AUTHORITY_HOST") or (None if server else record.get("authorityHost"))
    authority = (authority or resource_manager).rstrip("/")
    # Both are trusted: a machine-wide bundle in the environment must not hide the server's own CA.
    machine = env.get("REQUESTS_CA_BUNDLE") or env.get("SSL_CERT_FILE")
    ca_bundles = tuple(dict.fromkeys(b for b in (machine, record.get("caBundle")) if b))
    return Profile(
        resource_manager=resource_manager,
        authority=authority,
        tenant_id=tenant,
        client_id=client_id,
        client_secret=secret or "",
        subscription_id=subscription or record.get("subscriptionId") or None,
        resource_group=record.get("resourceGroup") or None,
        registry_name=record.get("registryName") or None,
        ca_bundles=ca_bundles,
    )
