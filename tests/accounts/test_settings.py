"""The identity settings: the production example, booleans, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from palabre.config import ConfigError, load_settings

EXAMPLE = Path(__file__).parents[2] / "docs" / "palabre.example.toml"


def test_production_example_loads_with_secure_domain() -> None:
    settings = load_settings({}, environ={}, config_file=str(EXAMPLE))
    assert settings.secure_domain is True
    assert settings.log_ip is False
    assert settings.oidc_issuer and settings.oidc_client_id
    assert settings.database_url and settings.database_url.startswith("postgresql")
    assert settings.frame_ancestors.startswith("'self'")


def test_embedded_defaults() -> None:
    settings = load_settings({}, environ={})
    assert settings.secure_domain is False and settings.log_ip is False
    assert settings.database_url is None and settings.oidc_issuer is None
    assert settings.jwt_secret is None and settings.frame_ancestors == "'self'"


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("yes", True), ("off", False)])
def test_booleans_from_the_environment(raw: str, value: bool) -> None:
    settings = load_settings({}, environ={"PALABRE_SECURE_DOMAIN": raw, "PALABRE_LOG_IP": raw})
    assert settings.secure_domain is value and settings.log_ip is value


def test_bad_boolean() -> None:
    with pytest.raises(ConfigError, match="PALABRE_LOG_IP"):
        load_settings({}, environ={"PALABRE_LOG_IP": "maybe"})


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"PALABRE_JWT_SECRET": "short"}, "at least 32"),
        (
            {"PALABRE_JWT_SECRET": "s" * 32, "PALABRE_JWT_PUBLIC_KEY": "k.pem"},
            "not both",
        ),
        ({"PALABRE_OIDC_ISSUER": "https://idp"}, "oidc_client_id"),
        ({"PALABRE_SESSION_MAX_AGE": "0"}, "session_max_age"),
    ],
)
def test_refused(values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings({}, environ=values)


def test_trusted_proxies_from_a_comma_list() -> None:
    settings = load_settings({}, environ={"PALABRE_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.2"})
    assert settings.trusted_proxies == ["10.0.0.1", "10.0.0.2"]
