"""tus resumable uploads into a transfer's draft, over the space files' protocol endpoints
(tus.py's Tus, with the transfers' Place): the sender's under
/api/transfers/{transfer_id}/tus (signed in as on the JSON API: session cookie with
X-CSRF-Token, or a Bearer token with the "write" scope), an outsider's with a guest voucher
under /api/v/{token}/tus (the voucher's link is the key). Creation takes Upload-Metadata
`filename` (an encrypted transfer's is the name's ciphertext, from the browser); the last
PATCH makes the transfer's file, scanned unless the transfer is end-to-end encrypted."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.routing import Route

from ...files.blobs import Blob
from ...files.tree import Events
from ...files.tus import TusError
from ...files.uploads import Pending, set_received
from ...transfers import store, uploads
from ...transfers.models import TransferUpload
from .endpoints import ApiContext
from .transfers import checked
from .tus import Tus, writer


@dataclass(frozen=True)
class Standing:
    """What a caller reached: a draft they may add to."""

    transfer_id: str
    encrypted: bool


class TransferFiles:
    """Uploads into a draft: the sender's (voucher=False) or an outsider's with a voucher."""

    def __init__(self, ctx: ApiContext, voucher: bool) -> None:
        self.ctx = ctx
        self.voucher = voucher

    async def reach(self, request: Request) -> Standing:
        if self.voucher:
            token = request.path_params["token"]
            transfer_id = await self.ctx.run(store.voucher_transfer, token)
            return Standing(transfer_id, False)
        me = await writer(request, self.ctx)
        transfer_id = request.path_params["transfer_id"]
        encrypted = await self.ctx.run(store.own_draft, me.user_id, transfer_id)
        return Standing(transfer_id, encrypted)

    async def open(self, who: Standing, request: Request, metadata: dict[str, str],
                   length: int) -> str:  # fmt: skip
        name = metadata.get("filename") or metadata.get("name")
        if not name:
            raise TusError(400, "give the file's name: Upload-Metadata filename")
        return await self.ctx.run(uploads.create_upload, who.transfer_id, name, length,
                                  self.ctx.settings.transfer_max_size)  # fmt: skip

    async def pending(self, who: Standing, upload_id: str) -> Pending:
        return await self.ctx.run(uploads.get_upload, who.transfer_id, upload_id)

    async def advance(self, upload_id: str, received: int) -> None:
        await self.ctx.run(set_received, upload_id, received, TransferUpload)

    async def check(self, who: Standing, found: Pending, blob: Blob) -> Blob:
        return await checked(self.ctx, blob, found.name, who.encrypted)

    async def refused(self, who: Standing, found: Pending) -> None:
        await self.ctx.run(uploads.refuse, who.transfer_id, found.id)

    async def commit(self, who: Standing, found: Pending, blob: Blob) -> Events:
        await self.ctx.run(uploads.finish, who.transfer_id, found.id, blob,
                           self.ctx.settings.transfer_max_size)  # fmt: skip
        return []

    async def terminate(self, who: Standing, upload_id: str) -> None:
        await self.ctx.run(uploads.terminate, who.transfer_id, upload_id)

    def location(self, request: Request, upload_id: str) -> str:
        if self.voucher:
            return f"/api/v/{request.path_params['token']}/tus/{upload_id}"
        return f"/api/transfers/{request.path_params['transfer_id']}/tus/{upload_id}"


RESUME = ["HEAD", "PATCH", "DELETE", "OPTIONS"]
ROUTES = (
    ("/api/transfers/{transfer_id}/tus", ["POST", "OPTIONS"]),
    ("/api/transfers/{transfer_id}/tus/{upload_id}", RESUME),
    ("/api/v/{token}/tus", ["POST", "OPTIONS"]),
    ("/api/v/{token}/tus/{upload_id}", RESUME),
)


def routes(ctx: ApiContext) -> list[Route]:
    sender = Tus(ctx, TransferFiles(ctx, voucher=False))
    outsider = Tus(ctx, TransferFiles(ctx, voucher=True))
    made = []
    for path, methods in ROUTES:
        server = outsider if path.startswith("/api/v/") else sender
        handler = server.upload if path.endswith("{upload_id}") else server.create
        made.append(Route(path, handler, methods=methods))
    return made
