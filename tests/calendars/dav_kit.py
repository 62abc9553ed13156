"""A workspace served for real (uvicorn on a loopback port) for CalDAV clients, with an
account that has an e-mail address and an app password (an access token)."""

from __future__ import annotations

from dataclasses import dataclass

from palabre.accounts.api_tokens import create_token
from served import Served
from space_kit import user_id
from workspace import Workspace


@dataclass
class Dav:
    ws: Workspace
    served: Served
    email: str
    token: str  # "read write"
    read_token: str

    @property
    def url(self) -> str:
        return f"{self.served.url}/caldav/"


def app_password(ws: Workspace, name: str, scopes: str = "read write") -> str:
    with ws.db.session() as session:
        return create_token(session, user_id(ws, name), "dav", scopes, None).token
