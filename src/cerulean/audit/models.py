"""One audit record, shaped after ACR's `ContainerRegistryLoginEvents` and `...RepositoryEvents` tables."""

from __future__ import annotations

import datetime as dt  # noqa: TC003 - a NamedTuple's field types are read at run time
from enum import StrEnum
from typing import Final, NamedTuple

__all__ = ["AUDIT_VERSION", "AuditCategory", "AuditEvent"]

AUDIT_VERSION: Final = 1


class AuditCategory(StrEnum):
    """ACR's two diagnostic log categories."""

    LOGIN = "ContainerRegistryLoginEvents"
    REPOSITORY = "ContainerRegistryRepositoryEvents"


class AuditEvent(NamedTuple):
    """A login (exchange, token, Basic) or a repository operation (push, pull, delete, untag).

    A named tuple rather than a dataclass: one is built for every pull, and a tuple is built (and
    handed to the database driver) several times faster.

    `result_type` is ``Succeeded`` or ``Failed``; `result_description` holds the HTTP status as text,
    as ACR's queries expect (``ResultDescription != "200"``). `identity` names the caller (object id,
    admin username, token name, or empty for anonymous); `identity_kind` says which. Never a secret.
    """

    version: int
    time: dt.datetime
    category: AuditCategory
    operation: str
    login_server: str
    identity: str
    identity_kind: str
    tenant_id: str
    caller_ip: str
    user_agent: str
    correlation_id: str
    result_type: str
    result_description: str
    reason: str = ""
    repository: str = ""
    tag: str = ""
    digest: str = ""
    media_type: str = ""
    size: int = 0
    jwt_id: str = ""
    duration_ms: int = 0
