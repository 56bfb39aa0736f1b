"""The management API's test harness: a TLS server, its bootstrap owner, a role-less `pipeline` app,
and the real Azure management clients pointed at it."""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from azure.identity import ClientSecretCredential
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.containerregistry import ContainerRegistryManagementClient

from support.identity import ad, bootstrap
from support.server import RunningServer, start_server

ARM_SCOPE = "https://management.azure.com/.default"


@dataclass
class Arm:
    server: RunningServer
    record: dict[str, str]
    ca: str
    pipeline: dict[str, str]

    @property
    def registry_id(self) -> str:
        r = self.record
        return (
            f"/subscriptions/{r['subscriptionId']}/resourceGroups/{r['resourceGroup']}"
            f"/providers/Microsoft.ContainerRegistry/registries/{r['registryName']}"
        )

    def credential(self, client_id: str, secret: str) -> ClientSecretCredential:
        return ClientSecretCredential(
            self.record["tenantId"], client_id, secret, authority=self.server.url,
            disable_instance_discovery=True, connection_verify=self.ca,
        )  # fmt: skip

    def owner(self) -> ClientSecretCredential:
        return self.credential(self.record["clientId"], self.record["clientSecret"])

    def registries(
        self, credential: ClientSecretCredential | None = None
    ) -> ContainerRegistryManagementClient:
        return ContainerRegistryManagementClient(
            credential or self.owner(), self.record["subscriptionId"], base_url=self.server.url,
            connection_verify=self.ca,
        )  # fmt: skip

    def roles(self, credential: ClientSecretCredential | None = None) -> AuthorizationManagementClient:
        return AuthorizationManagementClient(
            credential or self.owner(), self.record["subscriptionId"], base_url=self.server.url,
            connection_verify=self.ca,
        )  # fmt: skip

    def http(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(
            base_url=self.server.url, verify=ssl.create_default_context(cafile=self.ca), timeout=60, **kwargs
        )  # type: ignore[arg-type]

    def arm_token(self, credential: ClientSecretCredential | None = None) -> str:
        return (credential or self.owner()).get_token(ARM_SCOPE).token


@contextlib.contextmanager
def running_arm(work: Path, database_url: str | None = None) -> Iterator[Arm]:
    """A TLS server with its bootstrap record and a `pipeline` application that holds no role."""
    server = start_server(work / "data", database_url=database_url, extra_args=("--tls", "auto"), admin=False)
    try:
        record = bootstrap(server)
        app = ad(server, "app", "create", "pipeline")
        secret = ad(server, "app", "add-secret", app["appId"])
        yield Arm(server, record, record["caBundle"], {**app, "secret": secret["secretText"]})
    finally:
        server.stop()
