"""Grants: the main process's word to a worker about a connection's rights."""

from __future__ import annotations

import pytest

from palabre.cluster import grant
from palabre.meeting.admission import JoinRights

KEY = b"k" * 32


def test_a_grant_carries_the_room_code_and_rights():
    rights = JoinRights(host=True, invited_role="moderator", name="Ada")
    value = grant.sign(KEY, "conseil", "123456789", rights, now=1000.0)
    granted = grant.verify(KEY, value, now=1010.0)
    assert granted == grant.Grant("conseil", "123456789", rights)


def test_a_forged_or_altered_grant_is_refused():
    value = grant.sign(KEY, "conseil", "123456789", JoinRights(), now=1000.0)
    with pytest.raises(grant.GrantError):
        grant.verify(b"x" * 32, value, now=1000.0)
    mac = value.partition(".")[2]
    forged = grant.sign(b"x" * 32, "conseil", "123456789", JoinRights(host=True), now=1000.0)
    with pytest.raises(grant.GrantError):
        grant.verify(KEY, forged.partition(".")[0] + "." + mac, now=1000.0)
    for bad in ("", ".", "abc", value + "0", "!!!." + mac):
        with pytest.raises(grant.GrantError):
            grant.verify(KEY, bad, now=1000.0)


def test_a_grant_expires():
    value = grant.sign(KEY, "conseil", "123456789", JoinRights(), now=1000.0)
    with pytest.raises(grant.GrantError):
        grant.verify(KEY, value, now=1000.0 + grant.LIFETIME + 1)
