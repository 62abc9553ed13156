"""Sign in and out with a local account: the form, CSRF, the session cookie, /api/me."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from palabre.accounts.users import add_user, remove_user
from palabre.web.auth import safe_next

Client = Callable[..., TestClient]


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def sign_in(client: TestClient, username: str = "alice", password: str = "s3cret-pass") -> None:
    token = csrf_of(client.get("/auth/login").text)
    response = client.post(
        "/auth/login",
        data={"username": username, "password": password, "csrf": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def client(make_client: Client) -> TestClient:
    client = make_client()
    add_user(client.app.state.auth.db, "alice", "s3cret-pass", "Alice Liddell")  # type: ignore[attr-defined]
    return client


def test_anonymous_me(client: TestClient) -> None:
    response = client.get("/api/me")
    assert response.json()["signedIn"] is False
    assert response.json()["host"] is False and response.json()["name"] is None
    assert response.headers["cache-control"] == "no-store"
    assert "set-cookie" not in response.headers  # no cookie for anonymous visitors


def test_login_page_is_a_self_contained_form(client: TestClient) -> None:
    response = client.get("/auth/login")
    assert response.status_code == 200
    page = response.text
    assert '<form method="post" action="/auth/login">' in page
    assert 'name="username"' in page and 'type="password"' in page
    assert "<script" not in page and "<style" not in page and "style=" not in page
    assert 'lang="en"' in page and "Sign in" in page
    assert client.get("/auth/style.css").headers["content-type"].startswith("text/css")


def test_login_page_speaks_french(client: TestClient) -> None:
    page = client.get("/auth/login", headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.8"}).text
    assert 'lang="fr"' in page and "Mot de passe" in page and "Connexion" in page
    page = client.get("/auth/login", headers={"accept-language": "de, en;q=0.5, fr;q=0.4"}).text
    assert 'lang="en"' in page
    page = client.get("/auth/login", headers={"accept-language": "de, fr;q=0.5, en;q=0.4"}).text
    assert 'lang="fr"' in page and "Retour à Palabre" in page
    page = client.get("/auth/login?lang=en", headers={"accept-language": "fr"}).text
    assert 'lang="en"' in page and "Back to Palabre" in page


def test_sign_in_and_out(client: TestClient) -> None:
    token = csrf_of(client.get("/auth/login?next=/weekly-standup").text)
    response = client.post(
        "/auth/login",
        data={
            "username": "Alice",
            "password": "s3cret-pass",
            "csrf": token,
            "next": "/weekly-standup",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/weekly-standup"
    me = client.get("/api/me").json()
    assert me["signedIn"] and me["host"] and me["name"] == "alice"
    assert me["displayName"] == "Alice Liddell"
    # A new CSRF token comes with the new session; the old one is void.
    assert me["csrf"] and me["csrf"] != token

    stale = client.post("/auth/logout", data={"csrf": token}, follow_redirects=False)
    assert stale.status_code == 403 and client.get("/api/me").json()["signedIn"]
    out = client.post("/auth/logout", data={"csrf": me["csrf"]}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/api/me").json()["signedIn"] is False


def test_two_requests_at_once_after_sign_in_get_the_same_csrf_token(client: TestClient) -> None:
    """Two requests with the cookie the sign-in set, each before the other's answer (a page
    and a second tab): one token, not two that each replace the other's cookie."""
    sign_in(client)
    cookie = client.cookies.get("palabre_session")
    assert cookie
    answers = []
    for _ in range(2):
        client.cookies.clear()
        client.cookies.set("palabre_session", cookie)
        answers.append(client.get("/api/me").json()["csrf"])
    assert answers[0] is not None and answers[0] == answers[1], answers


def test_logout_with_header_token(client: TestClient) -> None:
    sign_in(client)
    token = client.get("/api/me").json()["csrf"]
    response = client.post("/auth/logout", headers={"x-csrf-token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/api/me").json()["signedIn"] is False
    assert "csrf" in client.get("/auth/logout").text


def test_wrong_password(client: TestClient) -> None:
    token = csrf_of(client.get("/auth/login").text)
    response = client.post(
        "/auth/login", data={"username": "alice", "password": "nope-nope", "csrf": token}
    )
    assert response.status_code == 401
    assert "Wrong user name or password" in response.text
    assert 'value="alice"' in response.text  # the name is kept, the password is not
    assert client.get("/api/me").json()["signedIn"] is False


def test_login_needs_the_csrf_token(client: TestClient) -> None:
    client.get("/auth/login")
    for data in (
        {"username": "alice", "password": "s3cret-pass"},
        {"username": "alice", "password": "s3cret-pass", "csrf": "forged"},
    ):
        response = client.post("/auth/login", data=data, follow_redirects=False)
        assert response.status_code == 403
        assert "expired" in response.text
    assert client.get("/api/me").json()["signedIn"] is False


def test_cross_site_post_without_session_is_refused(make_client: Client) -> None:
    # Another site's form posts with a token it saw, but without our cookie (SameSite=Lax).
    victim = make_client()
    add_user(victim.app.state.auth.db, "alice", "s3cret-pass")  # type: ignore[attr-defined]
    token = csrf_of(victim.get("/auth/login").text)
    victim.cookies.clear()
    response = victim.post(
        "/auth/login",
        data={"username": "alice", "password": "s3cret-pass", "csrf": token},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_session_cookie_attributes(make_client: Client) -> None:
    client = make_client()
    add_user(client.app.state.auth.db, "alice", "s3cret-pass")  # type: ignore[attr-defined]
    cookie = client.get("/auth/login").headers["set-cookie"]
    assert cookie.startswith("palabre_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP: a Secure cookie would never come back

    secure = make_client(base_url="https://testserver")
    add_user(secure.app.state.auth.db, "alice", "s3cret-pass")  # type: ignore[attr-defined]
    token = csrf_of(secure.get("/auth/login").text)
    response = secure.post(
        "/auth/login",
        data={"username": "alice", "password": "s3cret-pass", "csrf": token},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=604800" in cookie


def test_tampered_cookie_is_ignored(client: TestClient) -> None:
    sign_in(client)
    value = client.cookies["palabre_session"]
    client.cookies.clear()
    payload, _, signature = value.partition(".")
    client.cookies.set(
        "palabre_session", payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + signature
    )
    assert client.get("/api/me").json()["signedIn"] is False


def test_cookie_from_another_server_is_ignored(client: TestClient, make_client: Client) -> None:
    sign_in(client)
    other = make_client(secret=b"another server's secret, 32 byte")
    add_user(other.app.state.auth.db, "alice", "s3cret-pass")  # type: ignore[attr-defined]
    other.cookies.set("palabre_session", client.cookies["palabre_session"])
    assert other.get("/api/me").json()["signedIn"] is False


def test_removed_user_is_signed_out(client: TestClient) -> None:
    sign_in(client)
    remove_user(client.app.state.auth.db, "alice")  # type: ignore[attr-defined]
    assert client.get("/api/me").json()["signedIn"] is False


def test_expired_sign_in(make_client: Client) -> None:
    client = make_client(session_max_age=1)
    add_user(client.app.state.auth.db, "alice", "s3cret-pass")  # type: ignore[attr-defined]
    sign_in(client)
    assert client.get("/api/me").json()["signedIn"]
    time.sleep(2.1)
    assert client.get("/api/me").json()["signedIn"] is False


def test_failed_sign_ins_are_throttled_per_user(client: TestClient) -> None:
    token = csrf_of(client.get("/auth/login").text)
    for _ in range(5):
        response = client.post(
            "/auth/login", data={"username": "alice", "password": "guess-guess", "csrf": token}
        )
        assert response.status_code == 401
    response = client.post(
        "/auth/login", data={"username": "alice", "password": "s3cret-pass", "csrf": token}
    )
    assert response.status_code == 429 and "Too many" in response.text


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/room", "/room"),
        ("/room?x=1", "/room?x=1"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/a\r\nSet-Cookie: x=1", "/"),
    ],
)
def test_next_is_always_local(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_login_redirect_ignores_foreign_next(client: TestClient) -> None:
    token = csrf_of(client.get("/auth/login").text)
    response = client.post(
        "/auth/login",
        data={
            "username": "alice",
            "password": "s3cret-pass",
            "csrf": token,
            "next": "//evil.example",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_existing_routes_unchanged(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    created = client.post("/api/rooms")
    assert created.status_code == 201 and "room" in created.json()
    assert client.get("/api/rooms/Some Room").json()["room"] == "some-room"
