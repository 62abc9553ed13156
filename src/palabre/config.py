"""Settings: defaults, then an optional TOML file, then PALABRE_* variables, then flags."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    host: str = "127.0.0.1"
    port: int = 8000
    media_host: str | None = None  # default: the HTTP host
    media_port: int = 10000
    media_tcp_port: int | None = 10000  # None turns ICE-TCP off
    announce: list[str] = []  # addresses given to browsers; default: the media host
    data_dir: str = "data"
    consent_timeout: float = 30.0
    log_level: str = "info"
    rate_limit: float = 20.0
    rate_burst: float = 40.0

    @property
    def media_bind(self) -> str:
        return self.media_host or self.host

    @property
    def announced_addresses(self) -> list[str]:
        if self.announce:
            return self.announce
        bind = self.media_bind
        return ["127.0.0.1"] if bind in ("0.0.0.0", "::", "") else [bind]


# name, type, help: the single description of every option (flags, environment, TOML).
OPTIONS: list[tuple[str, type, str]] = [
    ("host", str, "address of the web and signaling server (default 127.0.0.1)"),
    ("port", int, "port of the web and signaling server (default 8000)"),
    ("media_host", str, "address the media ports bind to (default: --host)"),
    ("media_port", int, "UDP port for all media, ICE-lite (default 10000; 0 picks a free one)"),
    ("media_tcp_port", int, "TCP port for ICE-TCP, the fallback when UDP is blocked "
     "(default 10000; -1 turns it off)"),
    ("announce", str, "addresses announced to browsers, comma-separated, e.g. the public "
     "address behind NAT (default: the media address)"),
    ("data_dir", str, "directory for Palabre's data (default ./data)"),
    ("consent_timeout", float, "seconds without ICE consent before a participant is removed "
     "(default 30)"),
    ("log_level", str, "debug, info, warning or error (default info)"),
    ("rate_limit", float, "signaling messages per second allowed per connection (default 20)"),
    ("rate_burst", float, "signaling burst allowed per connection (default 40)"),
]  # fmt: skip


LOG_LEVELS = ("debug", "info", "warning", "error")


class ConfigError(ValueError):
    pass


def load_settings(
    flags: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    config_file: str | None = None,
) -> Settings:
    """Merge the sources; ConfigError names the option and the source that is wrong."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config_file or environ.get("PALABRE_CONFIG")
    if path:
        try:
            with Path(path).open("rb") as fh:
                values.update(tomllib.load(fh))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"config file {path}: {exc}") from None
    for name, kind, _ in OPTIONS:
        raw = environ.get(f"PALABRE_{name.upper()}")
        if raw is not None:
            values[name] = _coerce(name, kind, raw, f"PALABRE_{name.upper()}")
    for name, value in flags.items():
        if value is not None:
            values[name] = value
    if isinstance(values.get("announce"), str):
        values["announce"] = [a.strip() for a in values["announce"].split(",") if a.strip()]
    if values.get("media_tcp_port") == -1:
        values["media_tcp_port"] = None
    try:
        settings = msgspec.convert(values, Settings)
    except msgspec.ValidationError as exc:
        raise ConfigError(str(exc)) from None
    for name in ("port", "media_port", "media_tcp_port"):
        value = getattr(settings, name)
        if value is not None and not 0 <= value <= 65535:
            raise ConfigError(f"{name} must be between 0 and 65535")
    if settings.log_level.lower() not in LOG_LEVELS:
        raise ConfigError(f"log_level must be one of {', '.join(LOG_LEVELS)}")
    # Comparisons written so that NaN fails them too.
    if not settings.consent_timeout > 0:
        raise ConfigError("consent_timeout must be a positive number of seconds")
    if not settings.rate_limit > 0:
        raise ConfigError("rate_limit must be a positive number")
    if not settings.rate_burst >= 1:
        raise ConfigError("rate_burst must be at least 1")
    return settings


def _coerce(name: str, kind: type, raw: str, source: str) -> Any:
    try:
        return kind(raw)
    except ValueError:
        raise ConfigError(f"{source}: expected {kind.__name__}, got {raw!r}") from None
