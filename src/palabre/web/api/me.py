"""/api/me/settings: the caller's own settings (the language of their e-mail, the name others
see, whether co-members see their e-mail address)."""

from __future__ import annotations

import msgspec

from ...accounts.preferences import Preferences, preferences, set_preferences
from .endpoints import Call, Endpoint


class PreferencesEdit(msgspec.Struct, forbid_unknown_fields=True):
    language: str | None = None
    display_name: str | None = None
    email_visible: bool | None = None


async def get_settings(call: Call) -> Preferences:
    return await call.ctx.run(preferences, call.me.user_id)


async def edit_settings(call: Call) -> Preferences:
    body: PreferencesEdit = call.body
    return await call.ctx.run(
        set_preferences, call.me.user_id, body.language, body.display_name, body.email_visible
    )


ENDPOINTS = [
    Endpoint("GET", "/api/me/settings", "The caller's settings", get_settings,
             response=Preferences, tags=("accounts",)),
    Endpoint("PATCH", "/api/me/settings",
             "Change the caller's settings (language: fr, en; display_name; email_visible)",
             edit_settings, body=PreferencesEdit, response=Preferences, tags=("accounts",)),
]  # fmt: skip
