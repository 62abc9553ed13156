"""The pure parts: CalDAV paths, HTTP Basic app passwords' header, RSVP signatures."""

from __future__ import annotations

import base64

import pytest

from palabre.accounts.app_passwords import basic_credentials
from palabre.caldav.paths import Place, parse
from palabre.calendars.rsvp import read_rsvp, rsvp_token
from palabre.errors import NotFound


def test_paths() -> None:
    assert parse("") == Place()
    assert parse("alice") == Place(user="alice")
    assert parse("alice/personal") == Place(user="alice", calendar=True)
    assert parse("alice/space-12/x.ics") == Place("alice", 12, True, "x.ics")
    for nothing in ("alice/other", "alice/space-x", "alice/personal/x/y"):
        assert parse(nothing) is None


def test_basic_credentials() -> None:
    header = "Basic " + base64.b64encode(b"ann@example.org:plb_x:y").decode()
    assert basic_credentials(header) == ("ann@example.org", "plb_x:y")
    for bad in (
        None,
        "",
        "Bearer x",
        "Basic !!!",
        "Basic " + base64.b64encode(b"nocolon").decode(),
    ):
        assert basic_credentials(bad) is None


def test_rsvp_tokens_are_signed_with_the_installation_secret() -> None:
    token = rsvp_token(b"k" * 32, 7, "Ann@Example.org")
    assert read_rsvp(b"k" * 32, token) == (7, "ann@example.org")
    with pytest.raises(NotFound):
        read_rsvp(b"j" * 32, token)
    with pytest.raises(NotFound):
        read_rsvp(b"k" * 32, token + "x")
