"""/dav/: WebDAV (class 1 and 2) over the space files, served by WsgiDAV (files/dav.py's
provider) through a2wsgi in a thread pool. Desktop clients authenticate with HTTP Basic:
the user name is the account's e-mail address (or user name), the password one of its
personal access tokens (an app password; a "read" token reads only). Cookies count for
nothing here, so no other site's page can act through a signed-in browser. Dead properties
and locks are kept in the data directory (shelve files), so they outlive a restart."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from a2wsgi import WSGIMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send
from wsgidav.dc.base_dc import BaseDomainController
from wsgidav.lock_man.lock_storage import LockStorageShelve
from wsgidav.prop_man.property_manager import ShelvePropertyManager
from wsgidav.wsgidav_app import WsgiDAVApp

from ..accounts.app_passwords import check_app_password
from ..files.antivirus import scanner_for
from ..files.dav import DavUser, FilesProvider
from ..files.tree import Events
from .api.endpoints import ApiContext

MOUNT = "/dav"
REALM = "Palabre"


class AppPasswords(BaseDomainController):  # type: ignore[misc]
    """HTTP Basic with an app password, checked in the accounts database."""

    def __init__(self, wsgidav_app: Any, config: dict[str, Any]) -> None:
        super().__init__(wsgidav_app, config)
        self.ctx: ApiContext = config["palabre"]

    def get_domain_realm(self, path_info: str, environ: dict[str, Any]) -> str:
        return REALM

    def require_authentication(self, realm: str, environ: dict[str, Any]) -> bool:
        return True

    def supports_http_digest_auth(self) -> bool:
        return False

    def basic_auth_user(
        self, realm: str, user_name: str, password: str, environ: dict[str, Any]
    ) -> bool:
        with self.ctx.db.session() as session:
            found = check_app_password(session, user_name, password)
        if found is None:
            return False
        environ["palabre.dav"] = DavUser(found.user_id, found.writable)
        return True


class NoGzipUnder:
    """GZip for everything but the paths under `prefix`: a WebDAV client counts the bytes of
    what it asked, and WsgiDAV's own Content-Length must stay true."""

    def __init__(self, app: ASGIApp, prefix: str = MOUNT + "/", minimum_size: int = 500) -> None:
        from starlette.middleware.gzip import GZipMiddleware

        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size)
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] == "http" and (path.startswith(self.prefix) or path == MOUNT):
            await self.app(scope, receive, send)
        else:
            await self.gzip(scope, receive, send)


class Dav:
    """The ASGI app mounted at /dav: notes the event loop (for the bus), then WsgiDAV."""

    def __init__(self, ctx: ApiContext) -> None:
        self.ctx = ctx
        self.loop: asyncio.AbstractEventLoop | None = None
        self.wsgi: ASGIApp | None = None
        self.stores: list[Any] = []  # the shelve files of locks and properties

    def _make(self) -> ASGIApp:
        root = Path(self.ctx.settings.data_dir) / "dav"
        root.mkdir(parents=True, exist_ok=True)
        provider = FilesProvider(self.ctx.db, self.ctx.blobs, root / "spool", self.publish,
                                 self.ctx.settings.files_quota,
                                 scanner_for(self.ctx.settings.clamd_socket))  # fmt: skip
        config = {
            "provider_mapping": {"/": provider},
            "mount_path": MOUNT,
            "http_authenticator": {
                "domain_controller": AppPasswords,
                "accept_basic": True,
                "accept_digest": False,
                "default_to_digest": False,
            },
            "palabre": self.ctx,
            "lock_storage": self._keep(LockStorageShelve(str(root / "locks"))),
            "property_manager": self._keep(ShelvePropertyManager(str(root / "properties"))),
            "dir_browser": {"enable": False},
            "verbose": 1,
            "logging": {"enable": False},
            "suppress_version_info": True,
            "add_header_MS_Author_Via": True,
            "hotfixes": {"re_encode_path_info": True},
        }
        logging.getLogger("wsgidav").setLevel(logging.WARNING)
        return WSGIMiddleware(WsgiDAVApp(config), workers=8)  # type: ignore[return-value]

    def _keep(self, store: Any) -> Any:
        self.stores.append(store)
        return store

    def close(self) -> None:
        """Write the locks and properties out and close their files."""
        for store in self.stores:
            closing = getattr(store, "close", None) or getattr(store, "_close", None)
            if closing is not None:
                closing()
        self.stores.clear()

    def publish(self, events: Events) -> None:
        """From a WsgiDAV thread: tell the open pages once the change is committed."""
        if self.loop is not None and events:
            asyncio.run_coroutine_threadsafe(self.ctx.publish(events), self.loop)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if self.wsgi is None:
            self.loop = asyncio.get_running_loop()
            self.wsgi = self._make()
        headers = [(k, v) for k, v in scope["headers"] if k != b"cookie"]
        await self.wsgi({**scope, "headers": headers}, receive, send)
