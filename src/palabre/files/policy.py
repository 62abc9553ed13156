"""May this person read, write or administer this space's files? Files follow the space's
`files` module (spaces/rules.py): level "read" (a guest's default, or a member an admin set
so) lists, downloads, sees versions and the trash; "write" uploads, makes folders, renames,
moves, copies, trashes and restores; "admin" (delete forever, set the quota) is for the
space's admins, and deleting forever also for the item's creator. A file of a space the
person does not see is NotFound, whatever it is: a stranger learns nothing of it.

Attachments (a message's, a task card's, a file linked or shown in a document) are
references to a space's files and grant nothing: whoever attaches must be able to read the
file, and whoever opens it (content, preview, thumbnail) is asked here, as for any file.
A message's attachments are part of the message: every reader of the channel sees the name,
size and type the file had when attached, as they see its text (what the author chose to
show them), and whether the file was since trashed or deleted ("removed"); nothing more of
the file, and not its content unless they may read the space's files. So a guest reading
the channel downloads it when the space leaves guests their default "read" of the files,
and sees "no access" when the files module is "none" for them; a private channel lets no
one read a file they could not read in the files page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..errors import Forbidden, NotFound
from ..spaces.policy import Access, membership
from .models import FileNode

ACTIONS = ("read", "write", "admin")


@dataclass(frozen=True)
class NodeAccess:
    node: FileNode
    space: Access

    @property
    def writable(self) -> bool:
        return self.space.may("files.write") and self.node.trashed_at is None


def space_files(session: Session, user_id: int, space_id: int, action: str) -> Access:
    """The person's access to a space's files: NotFound unless they may read them,
    Forbidden if they may not `action`."""
    if action not in ACTIONS:
        raise ValueError(action)
    try:
        access = membership(session, user_id, space_id)
    except NotFound:
        raise NotFound("no such space") from None
    if not access.may("files.read"):
        raise NotFound("no such space")
    if action != "read" and not access.may("files.write"):
        raise Forbidden("you may read this space's files but not change them")
    if action == "admin" and not access.may("manage_members"):
        raise Forbidden("only the space's admins may do this")
    return access


def node_access(session: Session, user_id: int, node_id: str, action: str) -> NodeAccess:
    """NotFound unless the person may read the file or folder; Forbidden if they may read it
    but not do `action`. A trashed item may only be read, restored or deleted forever."""
    if action not in ACTIONS:
        raise ValueError(action)
    node = session.get(FileNode, node_id) if len(node_id) <= 32 else None
    if node is None:
        raise NotFound("no such file")
    try:
        access = membership(session, user_id, node.space_id)
    except NotFound:
        raise NotFound("no such file") from None
    if not access.may("files.read"):
        raise NotFound("no such file")
    found = NodeAccess(node, access)
    if action == "read":
        return found
    if not access.may("files.write"):
        raise Forbidden("you may read this space's files but not change them")
    if action == "admin" and not (access.may("manage_members") or node.created_by == user_id):
        raise Forbidden("only its creator and the space's admins may delete it forever")
    return found
