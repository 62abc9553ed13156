"""Settings: defaults < TOML file < PALABRE_* environment < command-line flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from palabre.config import OPTIONS, ConfigError, Settings, load_settings


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "palabre.toml"
    path.write_text(text)
    return str(path)


def test_defaults() -> None:
    settings = load_settings({}, environ={})
    assert settings == Settings()
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert (settings.media_port, settings.media_tcp_port) == (10000, 10000)
    assert settings.media_bind == "127.0.0.1"
    assert settings.announced_addresses == ["127.0.0.1"]


def test_every_option_is_a_setting() -> None:
    fields = set(Settings.__struct_fields__)
    assert {name for name, _, _ in OPTIONS} == fields
    assert all(help_text for _, _, help_text in OPTIONS)


def test_precedence(tmp_path: Path) -> None:
    config = write(tmp_path, 'port = 1111\nmedia_port = 2222\nhost = "10.0.0.1"\ndata_dir = "/f"\n')
    environ = {"PALABRE_MEDIA_PORT": "3333", "PALABRE_HOST": "10.0.0.2", "PALABRE_DATA_DIR": "/e"}
    flags = {"host": "10.0.0.3", "port": None, "media_port": None, "data_dir": None}
    settings = load_settings(flags, environ, config)
    assert settings.port == 1111  # file only
    assert settings.media_port == 3333  # environment over file
    assert settings.host == "10.0.0.3"  # flag over environment and file
    assert settings.data_dir == "/e"  # a None flag is "not given"
    assert settings.log_level == "info"  # default


def test_config_file_from_the_environment(tmp_path: Path) -> None:
    config = write(tmp_path, "port = 1234\n")
    assert load_settings({}, {"PALABRE_CONFIG": config}).port == 1234
    # An explicit --config wins over PALABRE_CONFIG.
    other = tmp_path / "other.toml"
    other.write_text("port = 4321\n")
    assert load_settings({}, {"PALABRE_CONFIG": config}, str(other)).port == 4321


def test_environment_types() -> None:
    settings = load_settings(
        {},
        {
            "PALABRE_PORT": "9000",
            "PALABRE_CONSENT_TIMEOUT": "12.5",
            "PALABRE_ANNOUNCE": " 203.0.113.7 , 198.51.100.1,, ",
            "PALABRE_MEDIA_HOST": "0.0.0.0",
            "PALABRE_MEDIA_TCP_PORT": "-1",
            "PALABRE_UNKNOWN": "ignored",
        },
    )
    assert settings.port == 9000
    assert settings.consent_timeout == 12.5
    assert settings.announce == ["203.0.113.7", "198.51.100.1"]
    assert settings.announced_addresses == ["203.0.113.7", "198.51.100.1"]
    assert settings.media_bind == "0.0.0.0"
    assert settings.media_tcp_port is None  # -1 turns ICE-TCP off


def test_announce_defaults_to_the_media_address() -> None:
    assert load_settings({"media_host": "192.0.2.4"}, {}).announced_addresses == ["192.0.2.4"]
    assert load_settings({"host": "0.0.0.0"}, {}).announced_addresses == ["127.0.0.1"]
    assert load_settings({"media_host": "::"}, {}).announced_addresses == ["127.0.0.1"]


def test_file_lists_and_tcp_off(tmp_path: Path) -> None:
    config = write(tmp_path, 'announce = ["192.0.2.1", "192.0.2.2"]\nmedia_tcp_port = -1\n')
    settings = load_settings({}, {}, config)
    assert settings.announce == ["192.0.2.1", "192.0.2.2"]
    assert settings.media_tcp_port is None
    assert load_settings({"announce": "192.0.2.9"}, {}, config).announce == ["192.0.2.9"]


@pytest.mark.parametrize(
    ("environ", "flags", "file", "option"),
    [
        ({"PALABRE_PORT": "eighty"}, {}, "", "PALABRE_PORT"),
        ({"PALABRE_CONSENT_TIMEOUT": "soon"}, {}, "", "PALABRE_CONSENT_TIMEOUT"),
        ({}, {"port": 70000}, "", "port"),
        ({}, {"media_port": -5}, "", "media_port"),
        ({}, {"media_tcp_port": 65536}, "", "media_tcp_port"),
        ({}, {}, 'port = "8000"\n', "port"),
        ({}, {}, "prot = 8000\n", "prot"),
        ({}, {}, "announce = 5\n", "announce"),
        ({}, {"log_level": "loud"}, "", "log_level"),
        ({"PALABRE_LOG_LEVEL": ""}, {}, "", "log_level"),
        ({}, {"consent_timeout": 0.0}, "", "consent_timeout"),
        ({"PALABRE_RATE_LIMIT": "nan"}, {}, "", "rate_limit"),
        ({}, {"rate_limit": -1.0}, "", "rate_limit"),
        ({}, {"rate_burst": 0.5}, "", "rate_burst"),
    ],
)
def test_bad_values_name_the_option(
    tmp_path: Path, environ: dict[str, str], flags: dict[str, object], file: str, option: str
) -> None:
    config = write(tmp_path, file) if file else None
    with pytest.raises(ConfigError, match=option):
        load_settings(flags, environ, config)


def test_log_level_is_case_insensitive() -> None:
    assert load_settings({"log_level": "WARNING"}, {}).log_level == "WARNING"


def test_bad_config_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match=r"missing\.toml"):
        load_settings({}, {}, missing)
    broken = write(tmp_path, "port = = 1\n")
    with pytest.raises(ConfigError, match=r"palabre\.toml"):
        load_settings({}, {}, broken)
    with pytest.raises(ConfigError, match=r"missing\.toml"):
        load_settings({}, {"PALABRE_CONFIG": missing})
