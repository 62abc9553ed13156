"""OpenID Connect sign-in, end to end against a provider running on loopback."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.testclient import TestClient

from palabre.accounts.oidc import discovery_url
from palabre.accounts.users import list_users

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider

Client = Callable[..., TestClient]


@pytest.fixture
def provider() -> Iterator[Provider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture
def client(make_client: Client, provider: Provider) -> TestClient:
    return make_client(
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
    )


def start(client: TestClient, next_path: str = "/board-meeting") -> httpx.Response:
    """Our /auth/oidc/login, then the provider's authorize endpoint; returns its redirect."""
    response = client.get(f"/auth/oidc/login?next={next_path}", follow_redirects=False)
    assert response.status_code == 302, response.text
    authorize = response.headers["location"]
    with httpx.Client() as browser:
        answer = browser.get(authorize, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    return answer


def callback_path(answer: httpx.Response) -> str:
    location = urlsplit(answer.headers["location"])
    assert location.path == "/auth/oidc/callback"
    return f"{location.path}?{location.query}"


def test_code_flow_with_pkce_state_and_nonce(client: TestClient, provider: Provider) -> None:
    answer = start(client)
    sent = provider.authorize_requests[-1]
    assert sent["response_type"] == "code" and sent["client_id"] == CLIENT_ID
    assert sent["code_challenge_method"] == "S256" and sent["code_challenge"]
    assert sent["state"] and sent["nonce"]
    assert sent["redirect_uri"] == "http://testserver/auth/oidc/callback"
    assert set(sent["scope"].split()) == {"openid", "profile", "email"}

    done = client.get(callback_path(answer), follow_redirects=False)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/board-meeting"
    assert provider.token_requests[-1]["code_verifier"]
    me = client.get("/api/me").json()
    assert me["signedIn"] and me["host"]
    assert me["name"] == "jdupont" and me["displayName"] == "Jeanne Dupont"
    db = client.app.state.auth.db  # type: ignore[attr-defined]
    assert [(u.name, u.local) for u in list_users(db)] == [("jdupont", False)]

    # A second sign-in finds the same account.
    client.post("/auth/logout", data={"csrf": me["csrf"]})
    client.get(callback_path(start(client)))
    assert client.get("/api/me").json()["name"] == "jdupont"
    assert len(list_users(db)) == 1


def test_state_must_match(client: TestClient, provider: Provider) -> None:
    answer = start(client)
    forged = callback_path(answer).replace("state=", "state=x")
    response = client.get(forged, follow_redirects=False)
    assert response.status_code == 400
    assert client.get("/api/me").json()["signedIn"] is False


def test_callback_from_another_browser_is_refused(
    client: TestClient, make_client: Client, provider: Provider
) -> None:
    # An attacker's code and state, replayed in the victim's browser (login CSRF).
    answer = start(client)
    victim = TestClient(client.app)
    response = victim.get(callback_path(answer), follow_redirects=False)
    assert response.status_code == 400
    assert victim.get("/api/me").json()["signedIn"] is False


def test_code_is_good_once(client: TestClient, provider: Provider) -> None:
    answer = start(client)
    path = callback_path(answer)
    assert client.get(path, follow_redirects=False).status_code == 303
    client.cookies.clear()
    assert client.get(path, follow_redirects=False).status_code == 400


@pytest.mark.parametrize(
    ("lie", "reason"),
    [
        ("nonce", "nonce"),
        ("audience", "az"),  # aud is not us, so Authlib wants azp naming us: missing
        ("issuer", "iss"),
        ("key", "signature"),
        ("expired", "expired"),
    ],
)
def test_bad_id_tokens_are_refused(
    client: TestClient, provider: Provider, lie: str, reason: str
) -> None:
    provider.misbehave = lie
    answer = start(client)
    response = client.get(callback_path(answer), follow_redirects=False)
    assert response.status_code == 400, (lie, response.text)
    assert "failed" in response.text and reason in response.text
    assert client.get("/api/me").json()["signedIn"] is False


def test_provider_error_is_shown(client: TestClient, provider: Provider) -> None:
    start(client)
    response = client.get("/auth/oidc/callback?error=access_denied&error_description=No")
    assert response.status_code == 400 and "No" in response.text


def test_login_page_offers_oidc(client: TestClient) -> None:
    page = client.get("/auth/login?next=/room").text
    assert 'href="/auth/oidc/login?next=/room"' in page


def test_without_oidc(make_client: Client) -> None:
    client = make_client()
    assert client.get("/auth/oidc/login").status_code == 404
    assert "/auth/oidc/login" not in client.get("/auth/login").text
    assert client.get("/api/me").json()["oidc"] is False


def test_provider_down(make_client: Client) -> None:
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = make_client(oidc_issuer=f"http://127.0.0.1:{port}", oidc_client_id=CLIENT_ID)
    response = client.get("/auth/oidc/login", follow_redirects=False)
    assert response.status_code == 502


def test_public_url_sets_the_redirect_uri(make_client: Client, provider: Provider) -> None:
    client = make_client(
        oidc_issuer=provider.issuer + "/.well-known/openid-configuration",
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        public_url="https://meet.example.org/",
    )
    response = client.get("/auth/oidc/login", follow_redirects=False)
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["redirect_uri"] == ["https://meet.example.org/auth/oidc/callback"]


def test_discovery_url() -> None:
    assert discovery_url("https://idp/realms/x/") == (
        "https://idp/realms/x/.well-known/openid-configuration"
    )
    url = "https://idp/.well-known/openid-configuration"
    assert discovery_url(url) == url
