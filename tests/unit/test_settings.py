from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from cerulean.settings import Address, InsecureConfigurationWarning, load_settings


def test_defaults() -> None:
    settings = load_settings()
    assert settings.listen == "127.0.0.1:5000"
    assert settings.tls == "auto"
    assert settings.data_dir == Path(".cerulean")
    assert settings.effective_database_url.startswith("sqlite+aiosqlite:///")


def test_flags_beat_environment_beats_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "cerulean.toml"
    config.write_text('listen = "127.0.0.1:7000"\nlog_level = "debug"\ncache_ttl_seconds = 5\n')
    assert load_settings(config).listen == "127.0.0.1:7000"
    monkeypatch.setenv("CERULEAN_LISTEN", "127.0.0.1:7001")
    settings = load_settings(config)
    assert (settings.listen, settings.log_level, settings.cache_ttl_seconds) == (
        "127.0.0.1:7001",
        "debug",
        5,
    )
    assert load_settings(config, listen="127.0.0.1:7002").listen == "127.0.0.1:7002"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("listen", "nope"),
        ("listen", "127.0.0.1:99999"),
        ("admin_listen", ":5"),
        ("tls", "maybe"),
        ("tls", "/missing.pem:/missing.key"),
        ("log_level", "loud"),
        ("cache_ttl_seconds", -1),
        ("max_manifest_bytes", 10),
    ],
)
def test_bad_values_name_the_key(key: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        load_settings(**{key: value})
    assert key in str(caught.value)


def test_unknown_keys_in_the_file_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('lisen = "typo"\n')
    with pytest.raises(ValidationError, match="lisen"):
        load_settings(config)


def test_plain_http_off_loopback_warns_and_is_refused_in_production() -> None:
    with pytest.warns(InsecureConfigurationWarning):
        load_settings(listen="0.0.0.0:5000", tls="off")
    with pytest.raises(ValidationError, match="production"):
        load_settings(listen="0.0.0.0:5000", tls="off", environment="production")


def test_address_parsing() -> None:
    assert Address.parse("[::1]:5000") == Address("::1", 5000)
    assert str(Address("::1", 5000)) == "[::1]:5000"
    assert Address.parse("localhost:0").is_loopback
    assert not Address.parse("10.0.0.1:1").is_loopback
    assert not Address.parse("example.com:1").is_loopback


def test_network_settings_from_the_file_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "cerulean.toml"
    config.write_text(
        'trusted_proxies = ["10.0.0.0/8", "unix"]\nforwarded_header = "forwarded"\n'
        '[[private_endpoints]]\nname = "build"\nlisten = "10.1.0.5:443"\n'
        '[[private_endpoints]]\nname = "sidecar"\nlisten = "unix:/run/cerulean/pe.sock"\n'
        'url = "https://registry.internal/"\n'
    )
    settings = load_settings(config)
    build, sidecar = settings.private_endpoints
    assert (build.name, build.address, build.unix_path, build.url) == (
        "build", Address("10.1.0.5", 443), None, None,
    )  # fmt: skip
    assert (sidecar.address, str(sidecar.unix_path), sidecar.url) == (
        None, "/run/cerulean/pe.sock", "https://registry.internal",
    )  # fmt: skip
    assert settings.trusted_proxies == ("10.0.0.0/8", "unix")
    assert settings.forwarded_header == "forwarded"
    monkeypatch.setenv("CERULEAN_TRUSTED_SERVICES", '["AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE"]')
    monkeypatch.setenv("CERULEAN_PRIVATE_ENDPOINTS", '[{"name": "pe1", "listen": "127.0.0.9:0"}]')
    settings = load_settings(config)
    assert settings.trusted_services == ("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",)
    assert settings.private_endpoints[0].address == Address("127.0.0.9", 0)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("trusted_proxies", ["10.0.0.0/33"]),
        ("trusted_proxies", ["proxy.example"]),
        ("trusted_services", ["not-a-guid"]),
        ("forwarded_header", "x-real-ip"),
        ("private_endpoints", [{"name": "bad name", "listen": "127.0.0.9:0"}]),
        ("private_endpoints", [{"name": "pe", "listen": "nowhere"}]),
        ("private_endpoints", [{"name": "pe", "listen": "unix:relative.sock", "url": "http://x"}]),
        ("private_endpoints", [{"name": "pe", "listen": "unix:/run/pe.sock"}]),  # needs its url
        ("private_endpoints", [{"name": "pe", "listen": "127.0.0.9:0", "url": "ftp://x"}]),
        ("private_endpoints", [{"name": "pe", "listen": "127.0.0.9:0", "extra": 1}]),
        (
            "private_endpoints",
            [{"name": "pe", "listen": "127.0.0.9:0"}, {"name": "PE", "listen": "127.0.0.8:0"}],
        ),
    ],
)
def test_bad_network_values_name_the_key(key: str, value: object) -> None:
    with pytest.raises(ValidationError, match=key):
        load_settings(**{key: value})


def test_trusting_every_address_as_a_proxy_warns_and_is_refused_in_production() -> None:
    with pytest.warns(InsecureConfigurationWarning, match="every client choose its own address"):
        load_settings(trusted_proxies=("0.0.0.0/0",))
    with pytest.raises(ValidationError, match="refused in production"):
        load_settings(trusted_proxies=("::/0",), environment="production", tls="off")


def test_private_endpoint_listeners_are_checked_like_the_public_one() -> None:
    with pytest.raises(ValidationError, match="public listener's address"):
        load_settings(listen="127.0.0.1:5000", private_endpoints=[{"name": "pe", "listen": "127.0.0.1:5000"}])
    with pytest.warns(InsecureConfigurationWarning, match="private endpoint pe's non-loopback"):
        load_settings(tls="off", private_endpoints=[{"name": "pe", "listen": "10.1.0.5:5000"}])
    with pytest.raises(ValidationError, match="refused in production"):
        load_settings(
            tls="off", environment="production", private_endpoints=[{"name": "pe", "listen": "10.1.0.5:5000"}]
        )
