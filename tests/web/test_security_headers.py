"""Security headers: CSP self-only with configurable frame-ancestors, HSTS only under TLS."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from palabre.config import ConfigError, load_settings

Client = Callable[..., TestClient]
PATHS = ["/", "/auth/login", "/api/me", "/healthz", "/some-room"]


def test_headers_on_every_page(make_client: Client) -> None:
    client = make_client()
    for path in PATHS:
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "frame-ancestors 'self'" in csp and "form-action 'self'" in csp
        assert "unsafe-inline" not in csp and "http" not in csp
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in headers  # plain HTTP


def test_frame_ancestors_setting(make_client: Client) -> None:
    client = make_client(frame_ancestors="'self' https://portal.example.org")
    csp = client.get("/").headers["content-security-policy"]
    assert "frame-ancestors 'self' https://portal.example.org" in csp
    none = make_client(frame_ancestors="'none'").get("/").headers["content-security-policy"]
    assert none.endswith("frame-ancestors 'none'")


@pytest.mark.parametrize("bad", ["'self'; script-src *", "a,b", "'self'\nx"])
def test_frame_ancestors_cannot_inject_directives(bad: str) -> None:
    with pytest.raises(ConfigError, match="frame_ancestors"):
        load_settings({"frame_ancestors": bad}, environ={})


def test_hsts_over_tls(make_client: Client) -> None:
    client = make_client(base_url="https://testserver")
    for path in PATHS:
        assert client.get(path).headers["strict-transport-security"] == "max-age=31536000"


def test_hsts_behind_a_trusted_proxy(make_client: Client) -> None:
    # The TestClient's peer is "testclient": trusted here, as nginx on loopback would be.
    proxied = make_client(trusted_proxies=["testclient"])
    response = proxied.get("/auth/login", headers={"x-forwarded-proto": "https"})
    assert response.headers["strict-transport-security"] == "max-age=31536000"
    assert "Secure" in response.headers["set-cookie"]


def test_forwarded_proto_from_anyone_else_is_ignored(make_client: Client) -> None:
    client = make_client()  # trusts 127.0.0.1 and ::1 only
    response = client.get("/auth/login", headers={"x-forwarded-proto": "https"})
    assert "strict-transport-security" not in response.headers
    assert "Secure" not in response.headers["set-cookie"]
