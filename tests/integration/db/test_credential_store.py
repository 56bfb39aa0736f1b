"""The registry's credential store and audit log, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from cerulean.audit import AUDIT_VERSION, AuditCategory, AuditEvent, AuditQuery
from cerulean.auth.models import AdminPassword, StoredScopeMap, StoredToken, TokenPassword, TokenState
from cerulean.db import Database, SqlAuditLog, SqlCredentialStore, migrate

pytestmark = pytest.mark.anyio

T0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    await migrate(db)
    try:
        yield db
    finally:
        await db.dispose()


async def test_every_write_bumps_the_policy_version_and_upserts(database: Database) -> None:
    store = SqlCredentialStore(database)
    registry = f"reg{T0.microsecond}{id(store) % 100000}"
    version = await store.policy_version()
    await store.put_admin_password(AdminPassword(registry, "password", b"sealed-1", T0))
    await store.put_admin_password(AdminPassword(registry, "password", b"sealed-2", T0))
    assert [(p.name, p.sealed_value) for p in await store.admin_passwords(registry)] == [
        ("password", b"sealed-2")
    ]
    await store.put_scope_map(StoredScopeMap(registry, "readers", "", ("repositories/a/content/read",), T0))
    await store.put_token(StoredToken(registry, "bot", "readers", TokenState.ENABLED, T0))
    await store.put_token_password(registry, "bot", TokenPassword("password1", "hash", "abc", T0, None))
    await store.put_token(StoredToken(registry, "bot", "readers", TokenState.DISABLED, T0))
    tokens = [t for t in await store.tokens() if t.registry == registry]
    assert [(t.name, t.status, [p.name for p in t.passwords]) for t in tokens] == [
        ("bot", TokenState.DISABLED, ["password1"])
    ]
    assert await store.policy_version() == version + 6
    assert await store.delete_token(registry, "bot") is True
    assert await store.delete_token(registry, "bot") is False
    assert await store.delete_scope_map(registry, "readers") is True
    assert [m for m in await store.scope_maps() if m.registry == registry] == []


async def test_audit_log_filters(database: Database) -> None:
    log = SqlAuditLog(database)
    identity = f"id-{id(log)}"

    def event(operation: str, status: str, at: dt.datetime) -> AuditEvent:
        return AuditEvent(
            AUDIT_VERSION, at, AuditCategory.REPOSITORY, operation, "r.example", identity, "User", "t",
            "127.0.0.1", "ua", "c", "Succeeded" if status == "200" else "Failed", status, repository="a/b",
        )  # fmt: skip

    await log.record_audit_events(
        [event("Pull", "200", T0), event("Push", "403", T0 + dt.timedelta(hours=1))]
    )
    mine = await log.audit_events(AuditQuery(identity=identity))
    assert [e.operation for e in mine] == ["Push", "Pull"]
    assert mine[1] == event("Pull", "200", T0)
    assert [e.operation for e in await log.audit_events(AuditQuery(identity=identity, result="Failed"))] == [
        "Push"
    ]
    assert [e.operation for e in await log.audit_events(AuditQuery(identity=identity, result="200"))] == [
        "Pull"
    ]
    later = await log.audit_events(AuditQuery(identity=identity, since=T0 + dt.timedelta(minutes=30)))
    assert [e.operation for e in later] == ["Push"]


async def test_audit_log_keeps_every_record_of_a_large_batch_in_order(database: Database) -> None:
    """1,301 records span every statement size SQLite batches are cut into; times keep their instant."""
    log = SqlAuditLog(database)
    identity = f"bulk-{id(log)}"
    plus_two = dt.timezone(dt.timedelta(hours=2))

    def event(i: int) -> AuditEvent:
        # whole seconds (no microseconds) and a non-UTC zone must come back as the same instant
        step = dt.timedelta(seconds=i) if i % 2 else dt.timedelta(microseconds=i)
        at = (T0 + step).astimezone(plus_two) if i % 2 else T0 + step
        category = AuditCategory.REPOSITORY if i % 3 else AuditCategory.LOGIN
        return AuditEvent(
            AUDIT_VERSION, at, category, "Pull", "r.example", identity, "User", "t", "127.0.0.1", "agent é",
            f"c{i}", "Succeeded", "200", repository="a/b", digest=f"sha256:{i:064x}", size=i,
        )  # fmt: skip

    events = [event(i) for i in range(1301)]
    await log.record_audit_events(events)
    stored = await log.audit_events(AuditQuery(identity=identity, limit=5000))
    assert len(stored) == len(events)
    assert list(reversed(stored)) == events  # newest first; equal fields, equal instants
    assert all(e.time.tzinfo is not None and e.time.utcoffset() == dt.timedelta(0) for e in stored)
    since = T0 + dt.timedelta(seconds=1299)  # only the record stamped exactly then, and later ones
    assert [e.correlation_id for e in await log.audit_events(AuditQuery(identity=identity, since=since))] == [
        "c1299"
    ]


async def test_audit_log_keeps_text_exactly(database: Database) -> None:
    """Quotes, backslashes, control characters and characters outside the BMP come back unchanged."""
    log = SqlAuditLog(database)
    identity = f"text-{id(log)}"
    awkward = 'he said "hi" \\ back\\slash\nnew line\ttab \x7f caf\u00e9 \U0001f600 \u2028 {"json": [1]}'
    event = AuditEvent(
        AUDIT_VERSION, T0, AuditCategory.LOGIN, "Login", "r.example", identity, "User", "t", "::1", awkward,
        "c", "Failed", "401", reason=awkward, repository="a/b", tag="v1.0", size=2**40,
    )  # fmt: skip
    await log.record_audit_events([event])
    assert await log.audit_events(AuditQuery(identity=identity)) == [event]


async def test_audit_records_past_the_retention_period_are_purged(database: Database) -> None:
    log = SqlAuditLog(database)
    identity = f"retention-{id(log)}"

    def event(days_ago: int, n: int) -> AuditEvent:
        return AuditEvent(
            AUDIT_VERSION, T0 - dt.timedelta(days=days_ago), AuditCategory.REPOSITORY, "Pull", "r.example",
            identity, "User", "t", "127.0.0.1", "ua", f"c{days_ago}-{n}", "Succeeded", "200",
        )  # fmt: skip

    await log.record_audit_events([event(400, n) for n in range(5)] + [event(30, n) for n in range(3)])
    assert await log.purge_audit_events(T0 - dt.timedelta(days=90)) == 5
    kept = await log.audit_events(AuditQuery(identity=identity))
    assert sorted(e.correlation_id for e in kept) == ["c30-0", "c30-1", "c30-2"]
