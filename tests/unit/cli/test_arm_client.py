import httpx
import pytest

from cerulean.cli.arm_client import ApiClient, error_of
from cerulean.cli.errors import ApiError, CliError
from cerulean.cli.profile import Profile

PROFILE = Profile("https://arm.test", "https://arm.test", "t", "c", "s", "sub", "g", "r", ())


def _client(handler) -> ApiClient:
    return ApiClient(PROFILE, httpx.Client(transport=httpx.MockTransport(handler)))


def _token_or(answer):
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/t/oauth2/v2.0/token":
            return httpx.Response(200, json={"access_token": "tok"})
        assert request.headers["Authorization"] == "Bearer tok"
        return answer(request)

    return handle


@pytest.mark.parametrize(
    ("response", "code", "message"),
    [
        (
            httpx.Response(404, json={"error": {"code": "ResourceNotFound", "message": "gone"}}),
            "ResourceNotFound",
            "gone",
        ),
        (
            httpx.Response(
                401, json={"error": "invalid_client", "error_description": "AADSTS1: no\r\nTrace ID: x"}
            ),
            "invalid_client",
            "AADSTS1: no",
        ),
        (httpx.Response(403, json={"errors": [{"code": "DENIED", "message": "nope"}]}), "DENIED", "nope"),
        (httpx.Response(502, text="<html>bad gateway</html>"), "BadGateway", "<html>bad gateway</html>"),
    ],
)
def test_errors_keep_their_protocols_code(response: httpx.Response, code: str, message: str) -> None:
    error = error_of(response)
    assert (error.code, error.message, error.status) == (code, message, response.status_code)


def test_pages_are_followed_on_the_same_server_only() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "2":
            return httpx.Response(200, json={"value": [{"n": 2}], "nextLink": "https://evil.test/steal"})
        return httpx.Response(200, json={"value": [{"n": 1}], "nextLink": "https://arm.test/x?page=2"})

    with pytest.raises(CliError, match="another server"):
        _client(_token_or(answer)).arm_list("/x")


def test_a_refused_token_request_is_an_api_error() -> None:
    def handle(_: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client", "error_description": "wrong secret"})

    with pytest.raises(ApiError) as refused:
        _client(handle).arm("GET", "/subscriptions")
    assert refused.value.code == "invalid_client"


def test_a_transport_failure_is_a_cli_error() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(CliError) as failed:
        _client(handle).token("scope")
    assert failed.value.code == "ConnectionError"
