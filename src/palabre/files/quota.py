"""How much a space's files hold and may hold: every version of every file counts (the
trash too), a blob shared by versions once; the quota is the admin's, else the setting
(`files_quota`, which the caller puts in the session's info: with_default_quota)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import Invalid, Refusal
from ..spaces.store import record
from .models import FileNode, FileQuota, FileVersion
from .policy import space_files
from .views import Usage

DEFAULT_QUOTA = 10 << 30
INFO_KEY = "files_quota"


class QuotaExceeded(Refusal):
    code = "quota_exceeded"
    status = 413


def with_default_quota(session: Session, quota: int) -> Session:
    """Mark the session with the server's default quota (settings.files_quota)."""
    session.info[INFO_KEY] = quota
    return session


def used(session: Session, space_id: int) -> int:
    distinct = (
        select(FileVersion.blob_key, func.max(FileVersion.size).label("size"))
        .where(FileVersion.space_id == space_id)
        .group_by(FileVersion.blob_key)
        .subquery()
    )
    return int(session.scalar(select(func.coalesce(func.sum(distinct.c.size), 0))) or 0)


def quota_of(session: Session, space_id: int) -> int:
    row = session.get(FileQuota, space_id)
    return row.quota if row is not None else int(session.info.get(INFO_KEY, DEFAULT_QUOTA))


def room_left(session: Session, space_id: int) -> int:
    return max(0, quota_of(session, space_id) - used(session, space_id))


def check_room(session: Session, space_id: int, size: int) -> None:
    if size > room_left(session, space_id):
        raise QuotaExceeded(
            f"this space's files would pass their quota of {quota_of(session, space_id)} bytes"
        )


def usage(session: Session, user_id: int, space_id: int) -> Usage:
    space_files(session, user_id, space_id, "read")
    files = session.scalar(
        select(func.count()).select_from(FileNode)
        .where(FileNode.space_id == space_id, FileNode.kind == "file")
    )  # fmt: skip
    return Usage(used=used(session, space_id), quota=quota_of(session, space_id),
                 files=int(files or 0))  # fmt: skip


def set_quota(session: Session, user_id: int, space_id: int, quota: int | None) -> Usage:
    """An admin sets the space's quota in bytes (None: back to the default)."""
    space_files(session, user_id, space_id, "admin")
    row = session.get(FileQuota, space_id)
    if quota is None:
        if row is not None:
            session.delete(row)
    elif quota < 0:
        raise Invalid("a quota is a number of bytes, 0 or more")
    elif row is None:
        session.add(FileQuota(space_id=space_id, quota=quota))
    else:
        row.quota = quota
    session.flush()
    record(session, space_id, user_id, "files.quota", str(quota))
    return usage(session, user_id, space_id)
