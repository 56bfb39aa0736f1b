"""The `cerulean` command line (typer). Every option of `serve` is also a ``CERULEAN_*`` variable."""

from __future__ import annotations

from pathlib import Path  # noqa: TC003 - typer reads the annotations at run time
from typing import Annotated

import typer

from cerulean import __version__
from cerulean.cli.access import access
from cerulean.cli.acr import acr
from cerulean.cli.audit import audit
from cerulean.cli.directory import ad
from cerulean.cli.directory_graph import group, user
from cerulean.cli.identities import identity
from cerulean.cli.registry_keys import registry_keys
from cerulean.cli.role import role
from cerulean.cli.service_principals import sp
from cerulean.cli.settings_loading import settings_or_exit
from cerulean.identity.errors import IdentityError
from cerulean.provisioning import UnknownRegistryError

__all__ = ["app", "main"]

app = typer.Typer(
    name="cerulean",
    help="A self-hosted OCI registry with Azure Container Registry's access model.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(ad, name="ad")
ad.add_typer(sp, name="sp")
ad.add_typer(user, name="user")
ad.add_typer(group, name="group")
app.add_typer(audit, name="audit")
app.add_typer(acr, name="acr")
app.add_typer(role, name="role")
app.add_typer(identity, name="identity")
app.add_typer(access, name="access")
app.add_typer(registry_keys, name="registry-keys")


@app.command()
def serve(  # noqa: PLR0917 - one parameter per flag, as typer wants
    data_dir: Annotated[Path | None, typer.Option(help="Data directory [default: ./.cerulean]")] = None,
    listen: Annotated[str | None, typer.Option(help="HOST:PORT [default: 127.0.0.1:5000]")] = None,
    admin_listen: Annotated[
        str | None, typer.Option(help="HOST:PORT for /metrics, or 'off' [default: 127.0.0.1:5001]")
    ] = None,
    tls: Annotated[str | None, typer.Option(help="auto | off | CERT:KEY [default: auto]")] = None,
    hostname: Annotated[
        list[str] | None,
        typer.Option(help="Extra name for the certificate; the first is the login server"),
    ] = None,
    database_url: Annotated[str | None, typer.Option(help="SQLAlchemy async URL")] = None,
    log_level: Annotated[str | None, typer.Option(help="debug | info | warning | error")] = None,
    log_format: Annotated[str | None, typer.Option(help="console | json")] = None,
    access_log: Annotated[bool | None, typer.Option("--access-log/--no-access-log")] = None,
    environment: Annotated[str | None, typer.Option(help="development | production")] = None,
    registry: Annotated[
        str | None,
        typer.Option(
            help="The registry this node serves: created on first start, else one already in the database"
            " (e.g. created through ARM) [default: cerulean]"
        ),
    ] = None,
    identity_listen: Annotated[
        str | None,
        typer.Option(help="HOST:PORT of the managed identity endpoint, or 'off' [default: 127.0.0.1:5002]"),
    ] = None,
    private_endpoint: Annotated[
        list[str] | None,
        typer.Option(help="A private endpoint listener, NAME=HOST:PORT or NAME=unix:/path=URL (repeatable)"),
    ] = None,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(help="A network (CIDR, or 'unix') whose X-Forwarded-For is believed (repeatable)"),
    ] = None,
    config: Annotated[
        Path | None, typer.Option(envvar="CERULEAN_CONFIG", help="TOML file with settings")
    ] = None,
) -> None:
    """Run a registry node in the foreground (Ctrl-C stops it)."""
    from cerulean.cli.serve import serve as run  # noqa: PLC0415 - keeps `cerulean --help` fast

    if config is not None and not config.is_file():
        raise typer.BadParameter(f"no such file: {config}", param_hint="--config")
    settings = settings_or_exit(
        config,
        data_dir=data_dir,
        listen=listen,
        admin_listen=admin_listen,
        tls=tls,
        hostnames=tuple(hostname) if hostname else None,
        database_url=database_url,
        log_level=log_level,
        log_format=log_format,
        access_log=access_log,
        environment=environment,
        registry_name=registry,
        identity_listen=identity_listen,
        private_endpoints=_private_endpoints(private_endpoint),
        trusted_proxies=tuple(trusted_proxy) if trusted_proxy else None,
    )
    try:
        run(settings)
    except (IdentityError, UnknownRegistryError) as exc:
        typer.echo(f"cerulean: {exc}", err=True)
        raise typer.Exit(2) from exc


def _private_endpoints(values: list[str] | None) -> tuple[dict[str, str], ...] | None:
    """``NAME=LISTEN[=URL]`` flags as `private_endpoints` settings (validated with the rest)."""
    if not values:
        return None
    endpoints = []
    for value in values:
        name, sep, rest = value.partition("=")
        listen, _, url = rest.partition("=")
        if not sep or not name or not listen:
            raise typer.BadParameter(
                f"expected NAME=HOST:PORT, got {value!r}", param_hint="--private-endpoint"
            )
        endpoints.append({"name": name, "listen": listen, **({"url": url} if url else {})})
    return tuple(endpoints)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:
    """Entry point of the `cerulean` script and `python -m cerulean`."""
    app()
