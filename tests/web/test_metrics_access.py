"""Who may read /metrics: loopback clients not behind a proxy, or the bearer of the
metrics token; and who may read /api/usage: the operators only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from palabre.signaling.counts import MeetingUsage
from workspace import Workspace

TOKEN = "metrics-token-0123456789"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace(f"sqlite:///{tmp_path / 'palabre.db'}", operators=["olga"])
    yield ws
    ws.close()


def test_without_a_token_only_loopback_clients_not_behind_a_proxy(site: Workspace) -> None:
    outside = site.anonymous()  # TestClient's address is "testclient": not loopback
    response = outside.get("/metrics")
    assert response.status_code == 403 and "loopback" in response.text

    local = TestClient(site.app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000))
    response = local.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    names = {f.name for f in text_string_to_metric_families(response.text)}
    assert {"palabre_rooms", "palabre_joins", "palabre_rtp_packets_forwarded"} <= names
    # A request a proxy forwarded came from somewhere else, whatever its address here.
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        assert local.get("/metrics", headers={header: "203.0.113.9"}).status_code == 403


def test_with_a_token_its_bearer_from_anywhere(tmp_path: Path) -> None:
    site = Workspace(f"sqlite:///{tmp_path / 'palabre.db'}", metrics_token=TOKEN)
    try:
        client = site.anonymous()
        assert client.get("/metrics").status_code == 403
        wrong = {"Authorization": "Bearer " + TOKEN[:-1] + "x"}
        assert client.get("/metrics", headers=wrong).status_code == 403
        response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200 and "palabre_participants" in response.text
    finally:
        site.close()


def test_usage_is_for_operators_only(site: Workspace) -> None:
    assert site.anonymous().get("/api/usage").status_code == 401  # a stranger
    guest = site.person("olga2", guest=True)
    assert guest.get("/api/usage").status_code == 403
    member = site.person("marc")
    assert member.get("/api/usage").status_code == 403
    assert member.get("/api/me").json()["operator"] is False
    operator = site.person("olga")
    assert operator.get("/api/me").json()["operator"] is True
    response = operator.get("/api/usage", params={"days": 7})
    assert response.status_code == 200
    report = response.json()
    assert len(report["days"]) == 7 and report["days"][-1]["day"] == report["last"]
    assert report["now"] == {"rooms": 0, "participants": 0}
    assert operator.get("/api/usage", params={"days": 0}).status_code == 400


def test_a_guest_is_never_an_operator(tmp_path: Path) -> None:
    site = Workspace(f"sqlite:///{tmp_path / 'palabre.db'}", operators=["gil"])
    try:
        guest = site.person("gil", guest=True)
        assert guest.get("/api/usage").status_code == 403
        assert guest.get("/api/me").json()["operator"] is False
    finally:
        site.close()


def test_a_meeting_that_ended_shows_in_todays_row(site: Workspace) -> None:
    hub = site.app.state.api.backend.hub
    now = time.time()
    hub.counts.meeting_ended(MeetingUsage(now - 600, now, 3, 1500))
    operator = site.person("olga")
    today = operator.get("/api/usage", params={"days": 1}).json()["days"][-1]
    assert today["meetings"] == 1 and today["participants"] == 3
    assert (today["meeting_minutes"], today["participant_minutes"]) == (10, 25)
