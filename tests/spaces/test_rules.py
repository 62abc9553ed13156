"""Roles, modules and access levels (spaces/rules.py): pure, no database."""

from __future__ import annotations

import pytest

from palabre.spaces.rules import ROLES, RuleError, access_level, may, may_set_role, merge_access


def test_space_actions_follow_the_role() -> None:
    assert [may(role, "view") for role in ROLES] == [True] * 4
    assert [may(role, "create_channel") for role in ROLES] == [True, True, True, False]
    assert [may(role, "invite") for role in ROLES] == [True, True, False, False]
    assert [may(role, "delete") for role in ROLES] == [True, False, False, False]
    assert not may(None, "view")


def test_module_levels_default_by_role_and_can_be_overridden() -> None:
    assert may("guest", "chat.write") and may("guest", "files.read")
    assert not may("guest", "files.write")
    assert may("guest", "files.write", overrides={"files": "write"})
    assert not may("member", "documents.read", overrides={"documents": "none"})
    assert access_level("member", "tasks", {"tasks": "read"}) == "read"


def test_an_archived_space_is_read_only() -> None:
    assert may("member", "chat.read", archived=True)
    assert not may("member", "chat.write", archived=True)
    assert not may("owner", "edit", archived=True)
    assert may("admin", "archive", archived=True)  # to take it out of the archive
    assert may("owner", "delete", archived=True)


def test_only_owners_make_admins() -> None:
    assert may_set_role("admin", "member", "guest")
    assert may_set_role("admin", None, "member")
    assert not may_set_role("admin", "member", "admin")
    assert not may_set_role("admin", "owner", "member")
    assert may_set_role("owner", "member", "admin")
    assert not may_set_role("member", "guest", "member")


@pytest.mark.parametrize("action", ["fly", "chat.fly", "nope.read"])
def test_unknown_actions_are_errors(action: str) -> None:
    with pytest.raises(RuleError):
        may("owner", action)


def test_a_space_being_deleted_is_read_only_and_only_restored() -> None:
    assert may("guest", "view", deleting=True) and may("member", "chat.read", deleting=True)
    assert not may("member", "chat.write", deleting=True)
    assert not may("owner", "edit", deleting=True)
    assert not may("owner", "archive", deleting=True)  # restore first
    assert not may("owner", "manage_members", deleting=True)
    assert may("owner", "delete", deleting=True)  # to take the deletion back
    assert may("admin", "report", deleting=True)


def test_access_overrides_merge_and_drop_the_defaults() -> None:
    assert merge_access("guest", {}, {"files": "write"}) == {"files": "write"}
    assert merge_access("guest", {"files": "write"}, {"files": "read"}) == {}  # the default
    assert merge_access("member", {"files": "read"}, {"chat": "none"}) == {
        "files": "read",
        "chat": "none",
    }
    with pytest.raises(RuleError):
        merge_access("member", {}, {"files": "all"})
    with pytest.raises(RuleError):
        merge_access("member", {}, {"payroll": "read"})
