"""Who may do what in a space: roles, modules and access levels, as pure functions.

A member has one role in a space (owner, admin, member, guest) and, per module, an access
level (none, read, write): the role's default unless an admin set another for that member,
as Wimi offers. Space-wide actions depend on the role only. An archived space can be read
by its members and only un-archived or deleted; nothing else changes in it. A space whose
deletion is asked is read-only too until its grace period ends (then it is gone): its members
still see it, and its owners may take the deletion back.
"""

from __future__ import annotations

from collections.abc import Mapping

ROLES = ("owner", "admin", "member", "guest")  # from most to least trusted
MODULES = ("chat", "documents", "files", "tasks", "calendar", "meeting")
LEVELS = ("none", "read", "write")

DEFAULT_ACCESS: dict[str, dict[str, str]] = {
    "owner": dict.fromkeys(MODULES, "write"),
    "admin": dict.fromkeys(MODULES, "write"),
    "member": dict.fromkeys(MODULES, "write"),
    # Guests talk and meet; what else they may change, an admin grants them.
    "guest": {
        "chat": "write",
        "documents": "read",
        "files": "read",
        "tasks": "read",
        "calendar": "read",
        "meeting": "write",
    },
}

# Space-wide actions and the least role that may do them.
SPACE_ACTIONS: dict[str, str] = {
    "view": "guest",  # see the space, its members (as far as shown) and its public channels
    "create_channel": "member",
    "direct_message": "guest",  # start a conversation with other members of the space
    "see_activity": "member",
    "edit": "admin",  # rename, describe
    "archive": "admin",
    "manage_members": "admin",  # add, remove, change roles and module access
    "invite": "admin",
    "report": "admin",
    "delete": "owner",
}

# What an archived space still allows.
ARCHIVED_ACTIONS = frozenset({"view", "see_activity", "archive", "report", "delete"})
# What a space awaiting its deletion still allows ("delete" covers taking it back).
DELETING_ACTIONS = frozenset({"view", "see_activity", "report", "delete"})


class RuleError(ValueError):
    """A value no space can hold (an unknown role, module or level)."""


def rank(role: str) -> int:
    """0 for the owner, 3 for a guest: lower ranks more."""
    try:
        return ROLES.index(role)
    except ValueError:
        raise RuleError(f"unknown role {role!r}") from None


def access_level(role: str, module: str, overrides: Mapping[str, str] | None = None) -> str:
    """The member's level in a module: the override an admin set, else the role's default."""
    if module not in MODULES:
        raise RuleError(f"unknown module {module!r}")
    level = (overrides or {}).get(module) or DEFAULT_ACCESS[role][module]
    return level if level in LEVELS else "none"


def may(
    role: str | None,
    action: str,
    *,
    archived: bool = False,
    deleting: bool = False,
    overrides: Mapping[str, str] | None = None,
) -> bool:
    """May a member of this role do `action`? `role` None: not a member, never.
    `archived`: the space is archived; `deleting`: its deletion is asked (both read-only).

    `action` is a space-wide action (SPACE_ACTIONS) or "<module>.read" / "<module>.write".
    """
    if role is None:
        return False
    module, _, verb = action.partition(".")
    if verb:
        if verb not in ("read", "write"):
            raise RuleError(f"unknown action {action!r}")
        level = access_level(role, module, overrides)
        if verb == "write" and (archived or deleting):
            return False
        return LEVELS.index(level) >= LEVELS.index(verb)
    least = SPACE_ACTIONS.get(action)
    if least is None:
        raise RuleError(f"unknown action {action!r}")
    if archived and action not in ARCHIVED_ACTIONS:
        return False
    if deleting and action not in DELETING_ACTIONS:
        return False
    return rank(role) <= rank(least)


def may_set_role(actor: str, target_old: str | None, target_new: str | None) -> bool:
    """May an `actor` change a member from `target_old` to `target_new` (None: not a member)?

    Admins manage members and guests; only an owner makes or unmakes admins and owners.
    """
    if not may(actor, "manage_members"):
        return False
    for role in (target_old, target_new):
        if role is not None and rank(role) <= rank("admin") and actor != "owner":
            return False
    return True


def check_access_overrides(overrides: Mapping[str, str]) -> dict[str, str]:
    """The overrides if every module and level is known, else RuleError."""
    clean: dict[str, str] = {}
    for module, level in overrides.items():
        if module not in MODULES:
            raise RuleError(f"unknown module {module!r}")
        if level not in LEVELS:
            raise RuleError(f"unknown access level {level!r} (none, read or write)")
        clean[module] = level
    return clean


def merge_access(
    role: str, current: Mapping[str, str], changes: Mapping[str, str]
) -> dict[str, str]:
    """A member's overrides after `changes` (checked): a level equal to the role's default
    is no override, so the member follows the default again if their role changes."""
    merged = {**check_access_overrides(current), **check_access_overrides(changes)}
    return {m: level for m, level in merged.items() if level != DEFAULT_ACCESS[role][m]}
