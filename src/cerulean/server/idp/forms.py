"""Reading ``application/x-www-form-urlencoded`` bodies: bounded, single-valued, UTF-8."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl

from cerulean.identity.errors import InvalidRequestError
from cerulean.server.bodies import read_bounded

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = ["MAX_FORM_BYTES", "read_form"]

MAX_FORM_BYTES: Final = 64 * 1024


async def read_form(request: Request) -> dict[str, str]:
    """The form fields; a repeated field, a wrong content type or an oversized body is an invalid request."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise InvalidRequestError(900144, "The request body must be application/x-www-form-urlencoded.")
    body = await read_bounded(request, MAX_FORM_BYTES)
    if body is None:
        raise InvalidRequestError(9002313, "Invalid request. The request body is too large.")
    try:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=False, max_num_fields=64)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidRequestError(9002313, "Invalid request. Request is malformed or invalid.") from exc
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise InvalidRequestError(9002313, f"Invalid request. The parameter '{name[:64]}' is duplicated.")
        form[name] = value
    return form
