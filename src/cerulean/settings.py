"""One frozen, typed `Settings`: command-line flags > ``CERULEAN_*`` environment > config file > defaults.

A bad value fails at start-up with the key and the value named (pydantic's validation error). Nothing
else in Cerulean reads the environment.
"""

from __future__ import annotations

import ipaddress
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

__all__ = [
    "Address",
    "InsecureConfigurationWarning",
    "PrivateEndpointSetting",
    "Settings",
    "TrustedIssuerSetting",
    "load_settings",
]

_MAX_PORT = 65535
_GUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_UNIX_PREFIX = "unix:"


class InsecureConfigurationWarning(UserWarning):
    """A development-only choice is in effect (refused when ``environment = "production"``)."""


@dataclass(frozen=True, slots=True)
class Address:
    """A ``host:port`` to listen on (IPv6 hosts in brackets); port 0 picks a free port."""

    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> Address:
        """Parse ``host:port`` or ``[v6]:port``."""
        host, sep, port_text = text.rpartition(":")
        if not sep or not host or not port_text.isdigit():
            raise ValueError(f"expected HOST:PORT, got {text!r}")
        port = int(port_text)
        if port > _MAX_PORT:
            raise ValueError(f"port out of range in {text!r}")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        return cls(host, port)

    @property
    def is_loopback(self) -> bool:
        """Whether only this machine can reach the address."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def with_port(self, port: int) -> Address:
        """The same host on another port (once an ephemeral port is known)."""
        return Address(self.host, port)

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


class TrustedIssuerSetting(BaseModel):
    """An external OIDC issuer whose access tokens Cerulean accepts (``[[trusted_issuers]]`` in the file)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    issuer: str = Field(description="the tokens' `iss`, e.g. https://login.microsoftonline.com/<tid>/v2.0")
    tenant_id: str = Field(description="the `tid` its tokens must carry")
    audiences: tuple[str, ...] = ("https://containerregistry.azure.net",)

    @field_validator("issuer")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError("an issuer is an https URL")
        return value


class PrivateEndpointSetting(BaseModel):
    """A private endpoint listener (``[[private_endpoints]]`` in the file).

    `name` is the private endpoint's: requests on this listener reach the registry while a connection
    whose ``privateEndpoint.id`` ends in ``/privateEndpoints/<name>`` is Approved. `url` is how clients
    reach the listener (the token realm it advertises); it defaults to the bound ``host:port`` and is
    required for a unix socket, which clients reach through something else.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$", description="the private endpoint's name")
    listen: str = Field(description="HOST:PORT or unix:/path/to/socket")
    url: str | None = Field(None, description="the base URL clients use, e.g. https://registry.internal")

    @field_validator("listen")
    @classmethod
    def _valid_listen(cls, value: str) -> str:
        if value.startswith(_UNIX_PREFIX):
            if not value.removeprefix(_UNIX_PREFIX).startswith("/"):
                raise ValueError("a unix socket is given as unix:/absolute/path")
            return value
        Address.parse(value)
        return value

    @field_validator("url")
    @classmethod
    def _valid_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("the url is http(s)://host[:port]")
        return None if value is None else value.rstrip("/")

    @model_validator(mode="after")
    def _unix_needs_url(self) -> PrivateEndpointSetting:
        if self.unix_path is not None and self.url is None:
            raise ValueError(f"private endpoint {self.name}: a unix socket listener needs `url`")
        return self

    @property
    def unix_path(self) -> Path | None:
        """The socket's path, for a unix socket listener."""
        return Path(self.listen.removeprefix(_UNIX_PREFIX)) if self.listen.startswith(_UNIX_PREFIX) else None

    @property
    def address(self) -> Address | None:
        """The TCP address, for a TCP listener."""
        return None if self.unix_path is not None else Address.parse(self.listen)


class Settings(BaseSettings):
    """Everything an operator can set."""

    model_config = SettingsConfigDict(env_prefix="CERULEAN_", frozen=True, extra="forbid")

    data_dir: Path = Field(Path(".cerulean"), description="where blobs, the database and TLS files live")
    listen: str = Field("127.0.0.1:5000", description="HOST:PORT of the registry listener")
    admin_listen: str = Field("127.0.0.1:5001", description="HOST:PORT of the metrics listener, or 'off'")
    tls: str = Field("auto", description="'auto' (local CA), 'off' (plain HTTP) or 'CERT:KEY'")
    hostnames: tuple[str, ...] = Field(
        (), description="extra certificate names; the first is the login server"
    )
    database_url: str | None = Field(None, description="SQLAlchemy async URL; default SQLite in data_dir")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["console", "json"] = "console"
    access_log: bool = True
    cache_ttl_seconds: float = Field(1.0, ge=0, le=300)
    max_manifest_bytes: int = Field(4 << 20, ge=64 << 10, le=64 << 20)
    upload_expiry_hours: float = Field(24.0, gt=0)
    log_retention_days: int = Field(
        90, ge=0, le=3650, description="days audit and sign-in records are kept; 0 keeps them forever"
    )
    environment: Literal["development", "production"] = "development"
    registry_name: str = Field(
        "cerulean",
        pattern=r"^[A-Za-z0-9]{5,50}$",
        description="the registry this node serves: created on first start, else already in the database",
    )
    identity_listen: str = Field(
        "127.0.0.1:5002", description="HOST:PORT of the managed identity endpoint (plain HTTP), or 'off'"
    )
    device_code_interval: int = Field(5, ge=1, le=60, description="seconds between device-code polls")
    access_token_minutes: int = Field(
        75, ge=5, le=24 * 60, description="lifetime of registry access tokens (ACR: 75 minutes)"
    )
    policy_cache_seconds: float = Field(
        1.0, ge=0, le=600, description="how often a node checks for role, token and scope-map changes"
    )
    signin_failures_per_client: int = Field(10, ge=1, description="failed sign-ins per client per minute")
    signin_failures_per_address: int = Field(50, ge=1, description="failed sign-ins per source IP per minute")
    trusted_issuers: tuple[TrustedIssuerSetting, ...] = ()
    federation_jwks: dict[str, Path] = Field(
        default_factory=dict, description="issuer URL -> JWKS file, for federated issuers used offline"
    )
    key_encryption_key_file: Path | None = Field(
        None,
        description="the key that encrypts token-signing keys; every node must share it"
        " [default: DATA_DIR/identity/key-encryption.key]",
    )
    federation_ca_bundle: Path | None = Field(None, description="CA file for fetching issuers' keys")
    private_endpoints: tuple[PrivateEndpointSetting, ...] = Field(
        (), description="private endpoint listeners, served beside the public one"
    )
    trusted_proxies: tuple[str, ...] = Field(
        (), description="networks (CIDRs) of proxies whose forwarding header names the client; 'unix' too"
    )
    forwarded_header: Literal["x-forwarded-for", "forwarded"] = Field(
        "x-forwarded-for", description="the one header the trusted proxies append the client to"
    )
    trusted_services: tuple[str, ...] = Field(
        (), description="object ids of identities that pass network rules where a registry allows it"
    )

    @field_validator("listen")
    @classmethod
    def _valid_listen(cls, value: str) -> str:
        Address.parse(value)
        return value

    @field_validator("admin_listen", "identity_listen")
    @classmethod
    def _valid_admin_listen(cls, value: str) -> str:
        if value != "off":
            Address.parse(value)
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_proxies(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for text in value:
            if text.strip().lower() != "unix":
                ipaddress.ip_network(text.strip(), strict=False)  # ValueError names the value
        return tuple(text.strip() for text in value)

    @field_validator("trusted_services")
    @classmethod
    def _valid_services(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for text in value:
            if re.fullmatch(_GUID, text.strip()) is None:
                raise ValueError(f"{text[:64]!r} is not an object id (a GUID)")
        return tuple(text.strip().lower() for text in value)

    @field_validator("private_endpoints")
    @classmethod
    def _distinct_endpoints(
        cls, value: tuple[PrivateEndpointSetting, ...]
    ) -> tuple[PrivateEndpointSetting, ...]:
        names = [e.name.lower() for e in value]
        if len(set(names)) != len(names):
            raise ValueError("private endpoint names must be distinct")
        return value

    @field_validator("tls")
    @classmethod
    def _valid_tls(cls, value: str) -> str:
        if value in {"auto", "off"}:
            return value
        cert, sep, key = value.partition(":")
        if not sep or not cert or not key:
            raise ValueError("expected 'auto', 'off' or CERT:KEY")
        for path in (cert, key):
            if not Path(path).is_file():
                raise ValueError(f"no such file: {path}")
        return value

    @model_validator(mode="after")
    def _insecure_choices(self) -> Settings:
        insecure = []
        if self.tls == "off" and not self.listen_address.is_loopback:
            insecure.append(f"plain HTTP on non-loopback address {self.listen}")
        identity = self.identity_address
        if identity is not None and not identity.is_loopback:
            insecure.append(
                f"the managed identity endpoint (plain HTTP) on non-loopback {self.identity_listen}"
            )
        for endpoint in self.private_endpoints:
            address = endpoint.address
            if address is not None and address.port and address == self.listen_address:
                raise ValueError(f"private endpoint {endpoint.name} listens on the public listener's address")
            if address is not None and self.tls == "off" and not address.is_loopback:
                insecure.append(
                    f"plain HTTP on private endpoint {endpoint.name}'s non-loopback address {address}"
                )
        insecure += [
            f"trusted proxy network {text} lets every client choose its own address"
            for text in self.trusted_proxies
            if text.lower() != "unix" and ipaddress.ip_network(text, strict=False).prefixlen == 0
        ]
        for message in insecure:
            if self.environment == "production":
                raise ValueError(f"refused in production: {message}")
            warnings.warn(message, InsecureConfigurationWarning, stacklevel=2)
        return self

    @property
    def listen_address(self) -> Address:
        """The registry listener."""
        return Address.parse(self.listen)

    @property
    def admin_address(self) -> Address | None:
        """The metrics listener, if any."""
        return None if self.admin_listen == "off" else Address.parse(self.admin_listen)

    @property
    def identity_address(self) -> Address | None:
        """The managed identity listener, if any."""
        return None if self.identity_listen == "off" else Address.parse(self.identity_listen)

    @property
    def effective_key_encryption_key_file(self) -> Path:
        """The key-encryption key's file."""
        return self.key_encryption_key_file or self.data_dir / "identity" / "key-encryption.key"

    @property
    def tls_files(self) -> tuple[Path, Path] | None:
        """(certificate, key) given explicitly, if any."""
        if self.tls in {"auto", "off"}:
            return None
        cert, _, key = self.tls.partition(":")
        return Path(cert), Path(key)

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data dir."""
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir.resolve() / 'registry.db'}"


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:  # noqa: ANN401 - any field's type
    """Settings from flags (`overrides`, None values ignored), environment and an optional TOML file."""
    given = {k: v for k, v in overrides.items() if v is not None}

    class _FromFile(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - no .env files are read
            file_secret_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - no secret files either
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
            if config_file is not None:
                sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
            return tuple(sources)

    loaded = _FromFile(**given)
    # Field by field, not model_dump(): that would turn nested settings (private endpoints, trusted
    # issuers) back into dicts, which model_construct does not validate again.
    return Settings.model_construct(**{name: getattr(loaded, name) for name in Settings.model_fields})
