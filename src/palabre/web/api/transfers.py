"""Large transfers (transfers/): the sender's endpoints under /api/transfers (make a draft,
add files by streaming their bytes (resumable with tus: transfer_tus.py; the single request
here stays for scripts, `curl --data-binary`), send to recipients by e-mail, see receipts, extend,
revoke, export the audit trail as CSV), a recipient's under /api/t/{token} (public: the
personal link is the key), guest vouchers under /api/vouchers and /api/v/{token}."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec
from starlette.responses import Response

from ...errors import Invalid
from ...files.blobs import Blob, TooLarge
from ...files.sweep import KEEPERS
from ...files.uploads import upload_path
from ...notify.mail import MailError
from ...transfers import store, uploads
from ...transfers.store import Link, Received, TransferView, VoucherMade, VoucherView
from .calendars import base_url
from .endpoints import ApiContext, Call, Endpoint
from .file_transfer import Interrupted, download, scan, store_stream
from .jobs import JOBS, Job

log = logging.getLogger(__name__)
ENCRYPTED = "encrypted"  # a file's scan status: not scanned, end-to-end encrypted


class NewTransfer(msgspec.Struct, forbid_unknown_fields=True):
    message: str = ""
    days: int = 7
    encrypted: bool = False  # end to end in the browser: names and bytes are ciphertext


class Recipients(msgspec.Struct, forbid_unknown_fields=True):
    recipients: list[str]


class Extension(msgspec.Struct, forbid_unknown_fields=True):
    days: int


class NewVoucher(msgspec.Struct, forbid_unknown_fields=True):
    label: str = ""
    days: int = 7


class VoucherSend(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    email: str = ""
    message: str = ""


class Dropped(msgspec.Struct, kw_only=True):
    id: str
    name: str
    size: int


def _created(value: Any) -> Response:
    return Response(msgspec.json.encode(value), status_code=201, media_type="application/json")


async def _mail(ctx: ApiContext, to: str, subject: str, text: str) -> None:
    try:
        await ctx.mail.send(to, subject, text)
    except MailError as exc:
        log.warning("transfer mail to %s not sent: %s", to, exc)


SEALED = (
    "\n\nCes fichiers sont chiffrés de bout en bout : la clé n'est pas dans ce "
    "message, l'expéditeur vous donne le lien complet.\nThese files are end-to-end "
    "encrypted: the key is not in this e-mail, the sender gives you the complete link."
)


async def _mail_links(
    call: Call, sender: str, message: str, links: list[Link], encrypted: bool = False
) -> None:
    base = base_url(call.ctx, call.request)
    for link in links:
        text = (f"{sender} vous envoie des fichiers / sends you files.\n\n{message}\n\n"
                f"{base}/t/{link.token}{SEALED if encrypted else ''}\n")  # fmt: skip
        await _mail(call.ctx, link.email, f"{sender} : fichiers / files", text)


async def create_transfer(call: Call) -> TransferView:
    body: NewTransfer = call.body
    return await call.ctx.run(store.create, call.me.user_id, body.message, body.days,
                              body.encrypted)  # fmt: skip


async def list_transfers(call: Call) -> list[TransferView]:
    return await call.ctx.run(store.mine, call.me.user_id)


async def get_transfer(call: Call) -> TransferView:
    return await call.ctx.run(store.get, call.me.user_id, call.param("transfer_id"))


async def checked(ctx: ApiContext, blob: Blob, name: str, encrypted: bool) -> Blob:
    """The blob with what the virus scanner said of it; Infected or ScannerDown (the blob
    deleted) like a space's file. An end-to-end encrypted file's bytes say nothing to a
    scanner: it is not asked, and the file says so ("encrypted")."""
    if encrypted:
        return replace(blob, scan=ENCRYPTED)
    return await scan(ctx, blob, name)


async def _receive(
    call: Call, transfer_id: str, name: str, room: int, encrypted: bool = False
) -> Response:
    try:
        blob = await store_stream(call.ctx.blobs, call.request.stream(), room)
    except TooLarge:
        raise Invalid("this transfer's files would pass its size limit") from None
    except Interrupted:
        raise Invalid("the upload broke off before its end") from None
    blob = await checked(call.ctx, blob, name, encrypted)
    try:
        made = await call.ctx.run(store.add_file, transfer_id, name, blob)
    except BaseException:
        with contextlib.suppress(OSError):
            await call.ctx.run_blocking(call.ctx.blobs.delete, blob.key)
        raise
    return _created(Dropped(id=made.id, name=made.name, size=made.size))


async def add_file(call: Call) -> Response:
    transfer_id = call.param("transfer_id")
    clean, room = await call.ctx.run(store.upload_room, call.me.user_id, transfer_id,
                                     call.query("name") or "",
                                     call.ctx.settings.transfer_max_size)  # fmt: skip
    encrypted = await call.ctx.run(store.own_draft, call.me.user_id, transfer_id)
    return await _receive(call, transfer_id, clean, room, encrypted)


async def remove_file(call: Call) -> None:
    key = await call.ctx.run(store.remove_file, call.me.user_id, call.param("transfer_id"),
                             call.param("file_id"))  # fmt: skip
    with contextlib.suppress(OSError):
        await call.ctx.run_blocking(call.ctx.blobs.delete, key)


async def send_transfer(call: Call) -> TransferView:
    body: Recipients = call.body
    sent = await call.ctx.run(store.send, call.me.user_id, call.param("transfer_id"),
                              body.recipients)  # fmt: skip
    await _mail_links(call, sent.view.sender_name, sent.view.message, sent.links,
                      sent.view.encrypted)  # fmt: skip
    return sent.view


async def extend_transfer(call: Call) -> TransferView:
    body: Extension = call.body
    return await call.ctx.run(store.extend, call.me.user_id, call.param("transfer_id"),
                              body.days)  # fmt: skip


async def revoke_transfer(call: Call) -> TransferView:
    return await call.ctx.run(store.revoke, call.me.user_id, call.param("transfer_id"))


async def audit(call: Call) -> Response:
    name, text = await call.ctx.run(store.audit_csv, call.me.user_id, call.param("transfer_id"))
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


async def received(call: Call) -> Received:
    return await call.ctx.run(store.received, call.param("token"))


async def received_file(call: Call) -> Response:
    asked = call.request.headers.get("range")
    counted = asked is None or asked.replace(" ", "").startswith("bytes=0-")
    got = await call.ctx.run(store.download, call.param("token"), call.param("file_id"), counted)
    if got.first and got.sender_email:
        name = "" if got.encrypted else f" ({got.item.name})"  # a sealed name says nothing
        text = (f"{got.recipient_email} a téléchargé vos fichiers / downloaded your files"
                f"{name}.\n")  # fmt: skip
        await _mail(call.ctx, got.sender_email, f"{got.recipient_email} : téléchargé / "
                    "downloaded", text)  # fmt: skip
    return download(call.ctx.blobs, got.item, asked, force_attachment=True)


async def make_voucher(call: Call) -> VoucherMade:
    body: NewVoucher = call.body
    return await call.ctx.run(store.make_voucher, call.me.user_id, body.label, body.days)


async def list_vouchers(call: Call) -> list[VoucherView]:
    return await call.ctx.run(store.my_vouchers, call.me.user_id)


async def voucher_file(call: Call) -> Response:
    transfer_id, clean, room = await call.ctx.run(
        store.voucher_draft, call.param("token"), call.query("name") or "",
        call.ctx.settings.transfer_max_size)  # fmt: skip
    return await _receive(call, transfer_id, clean, room)


async def voucher_send(call: Call) -> None:
    body: VoucherSend = call.body
    _, link = await call.ctx.run(store.voucher_send, call.param("token"), body.name,
                                 body.email, body.message)  # fmt: skip
    await _mail_links(call, body.name, body.message, [link])


async def purge(ctx: ApiContext) -> None:
    keys = await ctx.run(store.purge)
    for key in keys:
        with contextlib.suppress(OSError):
            await ctx.run_blocking(ctx.blobs.delete, key)
    parts = Path(ctx.settings.data_dir) / "uploads"
    for upload_id in await ctx.run(uploads.stale):
        with contextlib.suppress(OSError):
            await ctx.run_blocking(upload_path(parts, upload_id).unlink)


PURGE = Job("transfers.purge", 600.0, purge)
JOBS.append(PURGE)
KEEPERS.append(store.held)

T: Any = ("transfers",)
PATH = "/api/transfers/{transfer_id}"
ENDPOINTS = [
    Endpoint("POST", "/api/transfers", "Start a transfer (a draft: add files, then send)",
             create_transfer, body=NewTransfer, response=TransferView, status=201, tags=T),
    Endpoint("GET", "/api/transfers", "My transfers, with their receipts", list_transfers,
             response=list[TransferView], tags=T),
    Endpoint("GET", PATH, "A transfer of mine, with each recipient's receipts", get_transfer,
             response=TransferView, tags=T),
    Endpoint("POST", PATH + "/files", "Add a file to a draft (?name=; the body is its bytes)",
             add_file, status=201, tags=T),
    Endpoint("DELETE", PATH + "/files/{file_id}", "Take a file out of a draft", remove_file,
             tags=T),
    Endpoint("POST", PATH + "/send", "Send the transfer: each recipient gets a link by e-mail",
             send_transfer, body=Recipients, response=TransferView, tags=T),
    Endpoint("POST", PATH + "/extend", "Move the expiry to 1, 7 or 30 days from now",
             extend_transfer, body=Extension, response=TransferView, tags=T),
    Endpoint("DELETE", PATH, "Revoke a transfer (its links answer 410, its files are purged)",
             revoke_transfer, response=TransferView, tags=T),
    Endpoint("GET", PATH + "/audit.csv", "The audit trail (every open and download) as CSV",
             audit, tags=T, media_type="text/csv"),
    Endpoint("GET", "/api/t/{token}", "What a recipient's link shows", received,
             response=Received, public=True, tags=T),
    Endpoint("GET", "/api/t/{token}/files/{file_id}", "A file of a transfer (Range taken)",
             received_file, public=True, tags=T, media_type="application/octet-stream"),
    Endpoint("POST", "/api/vouchers", "Make a voucher: a link for one outsider to send me "
             "files", make_voucher, body=NewVoucher, response=VoucherMade, status=201, tags=T),
    Endpoint("GET", "/api/vouchers", "My vouchers", list_vouchers, response=list[VoucherView],
             tags=T),
    Endpoint("POST", "/api/v/{token}/files", "An outsider adds a file with a voucher "
             "(?name=)", voucher_file, public=True, status=201, tags=T),
    Endpoint("POST", "/api/v/{token}/send", "An outsider sends the voucher's files to its "
             "agent", voucher_send, body=VoucherSend, public=True, tags=T),
]  # fmt: skip
