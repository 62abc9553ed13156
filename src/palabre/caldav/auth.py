"""Radicale's `auth` plugin: HTTP Basic with an app password (an access token), the user
name being the account's e-mail address or its user name. The principal is the account's
user name; whether the token may write is kept for rights.py."""

from __future__ import annotations

from typing import Any

from radicale.auth import BaseAuth

from ..accounts.app_passwords import check_app_password
from ..calendars.store import list_calendars
from .context import Binding, Caller


class Auth(BaseAuth):
    binding: Binding | None = None  # set by server.py once Radicale made the plugin

    def __init__(self, configuration: Any) -> None:
        super().__init__(configuration)

    def _login(self, login: str, password: str) -> str:
        binding = self.binding
        assert binding is not None
        binding.local.caller = None
        with binding.db.session() as session:
            found = check_app_password(session, login, password)
            if found is None:
                return ""
            list_calendars(session, found.user_id)  # made now, not by a reading request
        binding.local.caller = Caller(found.user_id, found.user_name, found.writable)
        return found.user_name
