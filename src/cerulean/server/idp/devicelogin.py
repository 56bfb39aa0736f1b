"""The device-code approval page: enter the code, sign in with your password, approve or decline.

A plain HTML form (no scripts); the answer page says what happened without echoing anything typed.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Final

from starlette.responses import HTMLResponse

from cerulean.identity.errors import EntraError, InvalidRequestError
from cerulean.server.idp.forms import read_form

if TYPE_CHECKING:
    from starlette.requests import Request

    from cerulean.identity.devicecodes import DeviceAuthorization

__all__ = ["approval_page"]

_HEADERS: Final = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "X-Frame-Options": "DENY",
}
_FORM: Final = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cerulean device sign-in</title>
<style>body{{font-family:sans-serif;max-width:28rem;margin:3rem auto}}
label{{display:block;margin:.6rem 0}}</style>
</head><body><h1>Sign in a device</h1><p>{message}</p>
<form method="post" action="/devicelogin">
<label>Code <input name="user_code" autocomplete="off" required></label>
<label>User name <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button name="decision" value="approve">Approve</button>
<button name="decision" value="decline">Decline</button>
</form></body></html>
"""


def _page(message: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_FORM.format(message=html.escape(message)), status_code=status, headers=_HEADERS)


async def approval_page(request: Request, devices: DeviceAuthorization) -> HTMLResponse:
    """GET shows the form; POST approves (after the password is checked) or declines."""
    if request.method == "GET":
        return _page("Enter the code your device shows, then sign in.")
    if request.method != "POST":
        return _page("Use the form below.", 405)
    try:
        form = await read_form(request)
        code, decision = form.get("user_code", ""), form.get("decision", "approve")
        if not code:
            raise InvalidRequestError(900144, "Enter the code.")
        if decision == "decline":
            await devices.decline(code)
            return _page("The sign-in was declined. You can close this window.")
        client = request.client.host if request.client else ""
        await devices.approve_with_password(code, form.get("username", ""), form.get("password", ""), client)
    except EntraError as error:
        return _page(f"Not signed in: {error.description.split(': ', 1)[-1]}", 400)
    return _page("You have signed in. You can close this window and return to your device.")
