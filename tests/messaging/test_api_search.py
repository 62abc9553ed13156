"""/api/search: French and English stems, only what the caller may read, deleted messages
gone, edits followed, excerpts safe; SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from typing import Any

from messaging.conftest import Team, post


def search(team: Team, who: str, q: str, **params: Any) -> list[dict[str, Any]]:
    response = team.people[who].get("/api/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return list(response.json())


def bodies(hits: list[dict[str, Any]]) -> set[str]:
    return {hit["message"]["body"] for hit in hits}


def test_french_and_english_stems(team: Team) -> None:
    post(team.bob, team.general, "La réunion de lundi est déplacée")
    post(team.bob, team.general, "Nous choisissons les séances")
    post(team.bob, team.general, "The meeting was moved to Tuesday")
    post(team.bob, team.general, "Nothing to see here")
    assert bodies(search(team, "olga", "réunions")) == {"La réunion de lundi est déplacée"}
    assert bodies(search(team, "olga", "Réunion déplacer")) == {"La réunion de lundi est déplacée"}
    assert bodies(search(team, "olga", "choisir séance")) == {"Nous choisissons les séances"}
    if team.ws.db.engine.dialect.name == "sqlite":  # PostgreSQL's configurations keep accents
        assert bodies(search(team, "olga", "reunion")) == {"La réunion de lundi est déplacée"}
    assert bodies(search(team, "olga", "meetings")) == {"The meeting was moved to Tuesday"}
    assert bodies(search(team, "olga", "moving")) == {"The meeting was moved to Tuesday"}
    assert search(team, "olga", "réunion tuesday") == []  # every word must be found
    hit = search(team, "olga", "réunions")[0]
    assert hit["kind"] == "message" and hit["channel"] == team.general
    assert hit["space"] == team.space and hit["channel_name"] == "general"
    assert hit["excerpt"] == "La <mark>réunion</mark> de lundi est déplacée"


def test_only_what_the_caller_may_read(team: Team) -> None:
    secret = team.bob.post(
        f"/api/spaces/{team.space}/channels", json={"name": "secret", "private": True}
    ).json()["id"]
    post(team.bob, secret, "budget confidentiel")
    post(team.bob, team.general, "budget public")
    post(team.otto, team.other_general, "budget d'ailleurs")
    direct = team.bob.post("/api/direct", json={"users": [team.ids["gwen"]]}).json()["id"]
    post(team.bob, direct, "budget entre nous")
    assert bodies(search(team, "bob", "budget")) == {
        "budget confidentiel", "budget public", "budget entre nous"
    }  # fmt: skip
    assert bodies(search(team, "gwen", "budget")) == {"budget public", "budget entre nous"}
    assert bodies(search(team, "olga", "budget")) == {"budget public"}
    assert bodies(search(team, "oscar", "budget")) == {"budget d'ailleurs"}
    assert search(team, "mallory", "budget") == []
    # Within one space: the direct conversation is not in it; another's space is not known.
    assert bodies(search(team, "bob", "budget", space=team.space)) == {
        "budget confidentiel", "budget public"
    }  # fmt: skip
    refused = team.bob.get("/api/search", params={"q": "budget", "space": team.other_space})
    assert refused.status_code == 404 and "ailleurs" not in refused.text


def test_edits_are_followed_and_deleted_messages_vanish(team: Team) -> None:
    message = post(team.bob, team.general, "Rendez-vous à la gare")
    assert len(search(team, "olga", "gare")) == 1
    team.bob.patch(f"/api/messages/{message['id']}", json={"body": "Rendez-vous au port"})
    assert search(team, "olga", "gare") == []
    assert len(search(team, "olga", "port")) == 1
    team.bob.delete(f"/api/messages/{message['id']}")
    assert search(team, "olga", "port") == []
    assert search(team, "olga", "rendez") == []


def test_best_first_and_limited(team: Team) -> None:
    for index in range(30):
        post(team.bob, team.general, f"note {index} sur le projet")
    post(team.bob, team.general, "projet projet projet : le projet")
    hits = search(team, "olga", "projet", limit=5)
    assert len(hits) == 5
    assert len(search(team, "olga", "projet")) == 20  # the default limit
    assert hits[0]["message"]["body"] == "projet projet projet : le projet"


def test_excerpts_are_safe_html(team: Team) -> None:
    post(team.bob, team.general, 'Le <script>alert("x")</script> **piège** "><img src=x>')
    [hit] = search(team, "olga", "piège")
    assert "<script" not in hit["excerpt"] and "<img" not in hit["excerpt"]
    assert "<mark>piège</mark>" in hit["excerpt"] and "&lt;script&gt;" in hit["excerpt"]


def test_bad_queries(team: Team) -> None:
    for params in (
        {"q": ""},
        {"q": "   "},
        {"q": "!!!"},
        {"q": "x" * 201},
        {"q": "a", "limit": 0},
        {"q": "a", "limit": 51},
        {"q": "a", "space": "x"},
    ):
        response = team.bob.get("/api/search", params=params)
        assert response.status_code == 400, params  # fmt: skip
    # FTS syntax in a query is just words.
    post(team.bob, team.general, "un NEAR deux")
    assert len(search(team, "bob", 'NEAR "deux" * ^ (')) == 1
    assert search(team, "bob", 'un" OR "x') == []
