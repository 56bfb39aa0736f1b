"""ARM's errors: each has the HTTP status and `error.code` Azure Resource Manager answers with.

CeruleanError
└── ArmError
    ├── AuthenticationFailedError   401 AuthenticationFailed / InvalidAuthenticationToken
    ├── AuthorizationFailedError    403 AuthorizationFailed (names the action and the scope)
    ├── BadRequestError             400 InvalidRequestContent, InvalidCondition, ... (`code` given)
    ├── NotFoundError               404 ResourceNotFound, RoleAssignmentNotFound, ...
    └── ConflictError               409 RoleAssignmentExists, ...
"""

from __future__ import annotations

from typing import ClassVar

from cerulean.core.errors import CeruleanError

__all__ = [
    "ArmError",
    "AuthenticationFailedError",
    "AuthorizationFailedError",
    "BadRequestError",
    "ConflictError",
    "NotFoundError",
]


class ArmError(CeruleanError):
    """An ARM error: `status`, `code`, `message` and, when it concerns one field, its `target`."""

    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "BadRequest"

    def __init__(self, message: str, *, code: str | None = None, target: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.target = target


class AuthenticationFailedError(ArmError):
    """No bearer token, or one ARM would not accept."""

    status = 401
    default_code = "AuthenticationFailed"


class AuthorizationFailedError(ArmError):
    """The caller holds no role assignment granting the action at the scope."""

    status = 403
    default_code = "AuthorizationFailed"

    def __init__(self, object_id: str, action: str, scope: str) -> None:
        super().__init__(
            f"The client with object id '{object_id}' does not have authorization to perform action "
            f"'{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, "
            "please refresh your credentials."
        )
        self.action = action
        self.scope = scope


class BadRequestError(ArmError):
    """A request ARM refuses as written."""

    status = 400
    default_code = "InvalidRequestContent"


class NotFoundError(ArmError):
    """The resource does not exist."""

    status = 404
    default_code = "ResourceNotFound"


class ConflictError(ArmError):
    """The request conflicts with what exists."""

    status = 409
    default_code = "Conflict"
