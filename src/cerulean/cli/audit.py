"""`cerulean audit`: the audit log of registry logins and repository operations, as JSON."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path  # noqa: TC003 - typer reads the annotations at run time
from typing import Annotated, Any

import typer

from cerulean.audit import AuditCategory, AuditEvent, AuditQuery
from cerulean.cli.settings_loading import settings_or_exit

__all__ = ["audit"]

audit = typer.Typer(
    help="Registry logins and repository operations, allowed or denied.", no_args_is_help=True
)

_CATEGORIES = {"login": AuditCategory.LOGIN, "repository": AuditCategory.REPOSITORY}


def _row(event: AuditEvent) -> dict[str, Any]:
    return {
        "time": event.time.isoformat(),
        "category": event.category.value,
        "operationName": event.operation,
        "loginServer": event.login_server,
        "identity": event.identity,
        "identityKind": event.identity_kind,
        "tenantId": event.tenant_id,
        "callerIpAddress": event.caller_ip,
        "userAgent": event.user_agent,
        "correlationId": event.correlation_id,
        "resultType": event.result_type,
        "resultDescription": event.result_description,
        "reason": event.reason,
        "repository": event.repository,
        "tag": event.tag,
        "digest": event.digest,
        "mediaType": event.media_type,
        "size": event.size,
        "jwtId": event.jwt_id,
        "durationMs": event.duration_ms,
    }


def _since(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not an ISO 8601 time", param_hint="--since") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


@audit.command("list")
def list_events(  # noqa: PLR0917 - one parameter per flag, as typer wants
    since: Annotated[str | None, typer.Option(help="ISO 8601 time, e.g. 2026-11-25T09:00:00Z")] = None,
    identity: Annotated[str | None, typer.Option(help="object id, admin username or token name")] = None,
    result: Annotated[
        str | None, typer.Option(help="Succeeded, Failed, or an HTTP status such as 403")
    ] = None,
    category: Annotated[str | None, typer.Option(help="login or repository")] = None,
    repository: Annotated[str | None, typer.Option(help="repository name")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 1000,
    data_dir: Annotated[Path | None, typer.Option(help="Data directory [default: ./.cerulean]")] = None,
    database_url: Annotated[str | None, typer.Option(help="SQLAlchemy async URL")] = None,
) -> None:
    """Audit records, newest first."""
    from cerulean.db import Database, SqlAuditLog, migrate  # noqa: PLC0415 - keeps `cerulean --help` fast

    if category is not None and category not in _CATEGORIES:
        raise typer.BadParameter("expected login or repository", param_hint="--category")
    query = AuditQuery(
        since=_since(since),
        identity=identity,
        result=result,
        category=_CATEGORIES.get(category or ""),
        repository=repository,
        limit=limit,
    )
    settings = settings_or_exit(None, data_dir=data_dir, database_url=database_url)

    async def main() -> list[AuditEvent]:
        database = Database(settings.effective_database_url)
        try:
            await migrate(database)
            return await SqlAuditLog(database).audit_events(query)
        finally:
            await database.dispose()

    typer.echo(json.dumps([_row(e) for e in asyncio.run(main())], indent=2))
