"""The one failure the management commands report: ``cerulean: <code>: <message>`` and exit status 1.

    CliError              code and message, as the API (ARM, Graph, the token endpoint) or the CLI named them
     └── ApiError         an HTTP answer that was an error; carries its status

Transport failures (refused connection, TLS) are translated into `CliError` where httpx is called,
so commands never see a library's exception.
"""

from __future__ import annotations

__all__ = ["ApiError", "CliError"]


class CliError(Exception):
    """A failure to print as ``cerulean: <code>: <message>``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class ApiError(CliError):
    """An error answer of the management API, Graph or the token endpoint."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(code, message)
        self.status = status
