"""Cards with a due date are VTODOs of their space's calendar, both ways: a CalDAV client
(the `caldav` library) sees the card's task, and completing or renaming the task there
completes or renames the card."""

from __future__ import annotations

from datetime import UTC, datetime

import caldav

from space_kit import new_space

from .dav_kit import Dav


def space_calendar(dav: Dav, space: int) -> caldav.Calendar:
    client = caldav.DAVClient(url=dav.url, username=dav.email, password=dav.token)
    [found] = [c for c in client.principal().calendars() if c.url.path.endswith(f"/space-{space}/")]
    return found


def test_a_cards_task_both_ways(dav: Dav) -> None:
    alice = dav.ws.sign_in("alice")
    space = new_space(alice, "Projet")["id"]
    board = alice.post(f"/api/spaces/{space}/boards", json={"title": "Sprint"}).json()["id"]
    todo = alice.post(f"/api/boards/{board}/lists", json={"title": "To do"}).json()["id"]
    card = alice.post(f"/api/lists/{todo}/cards", json={"title": "Rapport"}).json()["id"]
    other = alice.post(f"/api/lists/{todo}/cards", json={"title": "Sans date"}).json()["id"]
    due = datetime(2026, 12, 11, 17, tzinfo=UTC)
    assert alice.patch(f"/api/cards/{card}", json={"due_at": due.isoformat()}).status_code == 200
    calendar = space_calendar(dav, space)
    [task] = calendar.todos()
    component = task.icalendar_component
    assert str(component["uid"]) == f"card-{card}@palabre"
    assert str(component["summary"]) == "Rapport" and component["due"].dt == due
    assert other  # a card without a due date is no task
    # Completed and renamed in the CalDAV client: the card follows.
    component["summary"] = "Rapport final"
    task.save()
    calendar.todo_by_uid(f"card-{card}@palabre").complete()
    view = alice.get(f"/api/cards/{card}").json()["card"]
    assert view["title"] == "Rapport final" and view["done_at"] is not None
    # Reopened in Palabre: the task is open again; no due date: no task.
    alice.patch(f"/api/cards/{card}", json={"done": False})
    status = calendar.todo_by_uid(f"card-{card}@palabre").icalendar_component["status"]
    assert str(status) == "NEEDS-ACTION"
    alice.patch(f"/api/cards/{card}", json={"due_at": None})
    assert calendar.todos() == []
