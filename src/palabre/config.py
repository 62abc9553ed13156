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
    resume_grace: float = 60.0  # seconds a dropped participant's seat and role are kept
    log_level: str = "info"
    rate_limit: float = 20.0
    rate_burst: float = 40.0
    last_n: int = 20  # camera videos forwarded to each participant: the last N speakers
    p2p: bool = True  # two-person meetings: media browser to browser (meeting/p2p.py)
    media_workers: int = 1  # SFU worker processes; 1 keeps everything in one process
    media_shedding: bool = True  # shed video when overloaded (docs/overload.md)
    media_test_burden: float = 0.0  # tests only: CPU seconds added to each RTP packet sent
    # Accounts, sign-in and invitations (src/palabre/accounts/).
    secure_domain: bool = False  # only signed-in hosts may open a room
    database_url: str | None = None  # default: SQLite file palabre.db in the data directory
    public_url: str | None = None  # e.g. https://meet.example.org, for OIDC redirect URIs
    session_max_age: int = 7 * 24 * 3600
    oidc_issuer: str | None = None  # issuer URL, or its discovery document's URL
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_scopes: str = "openid profile email"
    jwt_secret: str | None = None  # HS256 invitation tokens
    jwt_public_key: str | None = None  # PEM file: RS256 invitation tokens
    jwt_issuer: str = "palabre"
    jwt_audience: str = "palabre"
    # The workspace (spaces, messaging, notifications).
    redis_url: str | None = None  # e.g. redis://127.0.0.1:6379/0: the bus across processes
    smtp_host: str | None = None  # no SMTP: no e-mail is sent (invitation links are shown)
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_tls: str = "starttls"  # starttls, tls (implicit, port 465) or none
    mail_from: str = "Palabre <palabre@localhost>"
    invitation_max_age: int = 14 * 24 * 3600
    space_delete_grace: int = 7 * 24 * 3600
    digest_delay: int = 15 * 60  # unread notifications older than this are e-mailed
    # A document quiet this long is compacted and gets an automatic version.
    document_quiet: float = 30.0
    # Space files (src/palabre/files/): where their content lives, how much a space may hold.
    blob_store: str = "local"  # local (the data directory's blobs/) or s3
    s3_endpoint: str | None = None  # e.g. http://127.0.0.1:8333; None: AWS itself
    s3_bucket: str = "palabre"
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_region: str = "us-east-1"
    s3_prefix: str = "blobs/"  # where in the bucket the blobs go
    files_quota: int = 10 << 30  # bytes a space's files may hold unless an admin sets another
    transfer_max_size: int = 2 << 30  # bytes one transfer's files may hold (up to tens of GB)
    recording: bool = True  # moderators may record meetings (docs/recording.md)
    recording_retention: int = 30 * 24 * 3600  # seconds a recording stays in recordings/
    clamd_socket: str | None = None  # ClamAV's clamd: a Unix socket's path or host:port
    # Web security.
    # Reverse proxies whose X-Forwarded-Proto and X-Forwarded-For are believed.
    trusted_proxies: list[str] = msgspec.field(default_factory=lambda: ["127.0.0.1", "::1"])
    frame_ancestors: str = "'self'"  # CSP frame-ancestors: who may embed Palabre
    log_ip: bool = False  # keep IP addresses in logs
    # The operator's statistics (docs/operations.md).
    operators: list[str] = []  # account names that see the usage statistics page
    metrics_token: str | None = None  # /metrics wants it as a Bearer token; None: loopback only

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
    ("resume_grace", float, "seconds a participant whose connection dropped keeps its seat, "
     "role and raised hand, to come back as itself (default 60)"),
    ("log_level", str, "debug, info, warning or error (default info)"),
    ("rate_limit", float, "signaling messages per second allowed per connection (default 20)"),
    ("rate_burst", float, "signaling burst allowed per connection (default 40)"),
    ("last_n", int, "camera videos forwarded to each participant: those of the N most recent "
     "speakers (default 20)"),
    ("p2p", bool, "while a meeting has two participants, their browsers send media to each "
     "other directly, on host candidates, and switch to the SFU when a third joins (default on)"),
    ("media_workers", int, "SFU worker processes, e.g. one per core; rooms are placed across "
     "them and worker i takes media ports media_port + i (default 1: one process)"),
    ("media_shedding", bool, "when the server falls behind, shed video (lower layers, then "
     "fewer videos, then none) before audio suffers (docs/overload.md; default on)"),
    ("media_test_burden", float, "tests only: seconds of busy CPU added to each RTP packet "
     "the SFU sends, to overload it on purpose (default 0)"),
    ("secure_domain", bool, "only signed-in users may open a room; guests may join a room "
     "a host has opened (default off)"),
    ("database_url", str, "SQLAlchemy URL of the accounts database, e.g. "
     "postgresql+psycopg://palabre@/palabre (default: SQLite file palabre.db in the data "
     "directory)"),
    ("public_url", str, "public address of this server, e.g. https://meet.example.org "
     "(default: taken from each request)"),
    ("session_max_age", int, "seconds a sign-in lasts (default 604800, a week)"),
    ("oidc_issuer", str, "OpenID Connect provider: issuer URL or discovery document URL "
     "(default: no OIDC sign-in)"),
    ("oidc_client_id", str, "OpenID Connect client id"),
    ("oidc_client_secret", str, "OpenID Connect client secret (better in the environment)"),
    ("oidc_scopes", str, "OpenID Connect scopes (default 'openid profile email')"),
    ("jwt_secret", str, "secret for HS256 invitation tokens, at least 32 characters "
     "(better in the environment)"),
    ("jwt_public_key", str, "PEM file with the public key for RS256 invitation tokens"),
    ("jwt_issuer", str, "issuer (iss) invitation tokens must carry (default palabre)"),
    ("jwt_audience", str, "audience (aud) invitation tokens must carry (default palabre)"),
    ("redis_url", str, "Redis URL for the live bus when several processes serve, e.g. "
     "redis://127.0.0.1:6379/0 (default: in memory, one process)"),
    ("smtp_host", str, "SMTP server for invitations and notification digests (default: none, "
     "no e-mail is sent)"),
    ("smtp_port", int, "SMTP port (default 587)"),
    ("smtp_user", str, "SMTP user name, if the server wants one"),
    ("smtp_password", str, "SMTP password (better in the environment)"),
    ("smtp_tls", str, "starttls, tls (implicit, usually port 465) or none (default starttls)"),
    ("mail_from", str, "sender of Palabre's e-mail (default 'Palabre <palabre@localhost>')"),
    ("invitation_max_age", int, "seconds a space's e-mail invitation stays valid (default "
     "1209600, two weeks)"),
    ("space_delete_grace", int, "seconds between asking to delete a space and its deletion, "
     "during which an owner may take it back (default 604800, a week)"),
    ("digest_delay", int, "seconds after which unread notifications are sent by e-mail in a "
     "digest (default 900)"),
    ("document_quiet", float, "seconds without an edit after which a document's log is "
     "compacted and an automatic version taken (default 30)"),
    ("blob_store", str, "where file content lives: local (the data directory's blobs/) or s3 "
     "(default local)"),
    ("s3_endpoint", str, "S3-compatible endpoint URL, e.g. http://127.0.0.1:8333 (default: AWS)"),
    ("s3_bucket", str, "S3 bucket of file content (default palabre)"),
    ("s3_access_key", str, "S3 access key"),
    ("s3_secret_key", str, "S3 secret key (better in the environment)"),
    ("s3_region", str, "S3 region (default us-east-1)"),
    ("s3_prefix", str, "S3 key prefix of the blobs, to share a bucket (default blobs/)"),
    ("files_quota", int, "bytes a space's files may hold unless an admin sets another "
     "(default 10 GiB)"),
    ("transfer_max_size", int, "bytes the files of one transfer may hold (default 2 GiB)"),
    ("recording", bool, "moderators may record meetings, into the data directory's "
     "recordings/ (default on)"),
    ("recording_retention", int, "seconds a recording is kept in recordings/ after it ends; "
     "a copy saved into a space's files stays there (default 2592000, 30 days)"),
    ("clamd_socket", str, "ClamAV's clamd, to scan uploads for viruses: a Unix socket's path "
     "(e.g. /run/clamav/clamd.ctl) or host:port (default: none, files are not scanned)"),
    ("trusted_proxies", str, "addresses of reverse proxies whose X-Forwarded-Proto and "
     "X-Forwarded-For are believed, comma-separated (default 127.0.0.1,::1)"),
    ("frame_ancestors", str, "CSP frame-ancestors: origins that may embed Palabre in a frame "
     "(default 'self')"),
    ("log_ip", bool, "keep IP addresses in logs (default off: they are replaced by <ip>)"),
    ("operators", str, "account names of the installation's operators, comma-separated: they "
     "see the usage statistics (meetings, participants, minutes per day) (default: none)"),
    ("metrics_token", str, "token that /metrics asks for as 'Authorization: Bearer ...', at "
     "least 16 characters, better in the environment (default: no token; /metrics answers "
     "loopback clients only)"),
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
    for name in ("announce", "trusted_proxies", "operators"):
        if isinstance(values.get(name), str):
            values[name] = [a.strip() for a in values[name].split(",") if a.strip()]
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
    if not settings.resume_grace >= 0:
        raise ConfigError("resume_grace must be zero or a positive number of seconds")
    if not settings.rate_limit > 0:
        raise ConfigError("rate_limit must be a positive number")
    if not settings.rate_burst >= 1:
        raise ConfigError("rate_burst must be at least 1")
    if not 1 <= settings.media_workers <= 256:
        raise ConfigError("media_workers must be between 1 and 256")
    for name in ("media_port", "media_tcp_port"):
        value = getattr(settings, name)
        if value and value + settings.media_workers - 1 > 65535:
            raise ConfigError(f"{name} + media_workers - 1 must be at most 65535")
    if settings.jwt_secret is not None and len(settings.jwt_secret) < 32:
        raise ConfigError("jwt_secret must be at least 32 characters")
    if settings.jwt_secret and settings.jwt_public_key:
        raise ConfigError("set jwt_secret (HS256) or jwt_public_key (RS256), not both")
    if settings.oidc_issuer and not settings.oidc_client_id:
        raise ConfigError("oidc_issuer needs oidc_client_id")
    if any(ch in settings.frame_ancestors for ch in ";,\r\n"):
        raise ConfigError("frame_ancestors must be space-separated sources, e.g. 'self'")
    if settings.metrics_token is not None and len(settings.metrics_token) < 16:
        raise ConfigError("metrics_token must be at least 16 characters")
    if settings.smtp_tls not in ("starttls", "tls", "none"):
        raise ConfigError("smtp_tls must be starttls, tls or none")
    for name in ("invitation_max_age", "space_delete_grace", "digest_delay"):
        if not getattr(settings, name) >= 0:
            raise ConfigError(f"{name} must be zero or a positive number of seconds")
    if not settings.session_max_age > 0:
        raise ConfigError("session_max_age must be a positive number of seconds")
    return settings


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def _coerce(name: str, kind: type, raw: str, source: str) -> Any:
    if kind is bool:
        if raw.strip().lower() in _TRUE:
            return True
        if raw.strip().lower() in _FALSE:
            return False
        raise ConfigError(f"{source}: expected true or false, got {raw!r}")
    try:
        return kind(raw)
    except ValueError:
        raise ConfigError(f"{source}: expected {kind.__name__}, got {raw!r}") from None
