import base64
import json
from pathlib import Path

import pytest

from cerulean.cli.acr_login import store_credentials
from cerulean.cli.errors import CliError


def test_one_entry_is_replaced_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "auth.json"
    path.write_text(json.dumps({"auths": {"a": {"auth": "x"}, "h:1": {"identitytoken": "stale"}}, "k": 1}))
    store_credentials(path, "h:1", "user", "pass")
    written = json.loads(path.read_text())
    assert written["auths"]["a"] == {"auth": "x"}
    assert written["auths"]["h:1"] == {"auth": base64.b64encode(b"user:pass").decode()}
    assert written["k"] == 1
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["auth.json"]  # no temporary file left


def test_a_new_file_and_directory_are_private(tmp_path: Path) -> None:
    path = tmp_path / "docker" / "config.json"
    store_credentials(path, "h:1", "u", "p")
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_file_that_is_not_an_auth_file_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "auth.json"
    path.write_text("[1, 2]")
    with pytest.raises(CliError, match="not a containers auth file"):
        store_credentials(path, "h:1", "u", "p")
    assert path.read_text() == "[1, 2]"
