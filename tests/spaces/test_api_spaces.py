"""/api/spaces: create, list, read, edit; strangers learn nothing; CSRF and tokens."""

from __future__ import annotations

from workspace import Workspace


def test_create_list_read_edit(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    response = alice.post("/api/spaces", json={"name": "  Projet   Alpha ", "description": "x"})
    assert response.status_code == 201, response.text
    space = response.json()
    assert space["name"] == "Projet Alpha" and space["role"] == "owner"
    assert space["access"]["chat"] == "write" and space["room"].startswith("space-")
    assert [s["id"] for s in alice.get("/api/spaces").json()] == [space["id"]]
    assert alice.get(f"/api/spaces/{space['id']}").json()["name"] == "Projet Alpha"
    edited = alice.patch(f"/api/spaces/{space['id']}", json={"name": "Beta"})
    assert edited.status_code == 200 and edited.json()["name"] == "Beta"


def test_a_stranger_gets_404_and_nothing(workspace: Workspace) -> None:
    alice, mallory = workspace.person("alice"), workspace.person("mallory")
    space = alice.post("/api/spaces", json={"name": "Secret"}).json()
    for response in (
        mallory.get(f"/api/spaces/{space['id']}"),
        mallory.patch(f"/api/spaces/{space['id']}", json={"name": "Pwned"}),
    ):
        assert response.status_code == 404
        assert "Secret" not in response.text
    assert mallory.get("/api/spaces").json() == []
    assert alice.get(f"/api/spaces/{space['id']}").json()["name"] == "Secret"


def test_bad_input_is_refused_and_changes_nothing(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    for body in ({"name": ""}, {"name": "x" * 129}, {"nom": "x"}, {"name": 3}):
        response = alice.post("/api/spaces", json=body)
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "invalid"
    assert (
        alice.post(
            "/api/spaces", content=b"{not json", headers={"content-type": "application/json"}
        ).status_code
        == 400
    )
    assert alice.get("/api/spaces").json() == []


def test_writes_need_the_csrf_token_and_reads_need_a_sign_in(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    del alice.headers["x-csrf-token"]
    assert alice.post("/api/spaces", json={"name": "A"}).status_code == 403
    assert workspace.anonymous().get("/api/spaces").status_code == 401
    assert workspace.anonymous().post("/api/spaces", json={"name": "A"}).status_code == 401


def test_guests_create_no_space(workspace: Workspace) -> None:
    guest = workspace.person("gwen", guest=True)
    assert guest.post("/api/spaces", json={"name": "Mine"}).status_code == 400


def test_openapi_describes_every_endpoint(workspace: Workspace) -> None:
    description = workspace.anonymous().get("/api/openapi.json").json()
    assert description["openapi"].startswith("3.1")
    assert set(description["paths"]["/api/spaces"]) == {"get", "post"}
    body = description["paths"]["/api/spaces"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NewSpace"
    }
    assert "SpaceView" in description["components"]["schemas"]
