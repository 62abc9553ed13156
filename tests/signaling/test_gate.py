"""The pre-join gate that a single process's Session and the cluster front's Relay share."""

from __future__ import annotations

import json

import pytest

from palabre.meeting.admission import JoinRights
from palabre.signaling.gate import Gate, check_join
from palabre.signaling.protocol import client
from palabre.signaling.protocol.client import ProtocolError
from palabre.signaling.protocol.version import CURRENT


def guest(room: str) -> JoinRights:
    return JoinRights()


def join(**fields: object) -> client.Join:
    message = client.decode(json.dumps({"type": "join", "room": "r", "name": "Ada", **fields}))
    assert isinstance(message, client.Join)
    return message


def test_a_join_passes_with_its_room_name_version_and_ref() -> None:
    request = check_join(join(room=" Salle ", name=" Zoé ", id=4, versions=[CURRENT]), guest)
    assert (request.room, request.name, request.version, request.ref) == ("salle", "Zoé", 1, 4)
    assert check_join(join(), guest).version == 1  # no versions named: version 1


def test_rights_give_the_name_and_the_join_its_password() -> None:
    def signed_in(room: str) -> JoinRights:
        return JoinRights(name="Ada Lovelace", account="ada")

    request = check_join(join(name="x", password="pw", e2ee=True), signed_in)
    assert request.name == "Ada Lovelace"
    assert (request.rights.account, request.rights.password, request.rights.e2ee) == (
        "ada",
        "pw",
        True,
    )


@pytest.mark.parametrize(
    ("fields", "code", "start"),
    [
        ({"versions": [CURRENT + 1]}, "unsupported_version", "versions:"),
        ({"room": "a/b"}, "invalid", "room:"),
        ({"name": "   "}, "invalid", "name:"),
    ],
)
def test_a_bad_join_is_refused(fields: dict[str, object], code: str, start: str) -> None:
    with pytest.raises(ProtocolError) as info:
        check_join(join(id=9, **fields), guest)
    assert (info.value.code, info.value.ref) == (code, 9)
    assert info.value.message.startswith(start)


def test_the_gate_decodes_and_limits() -> None:
    gate = Gate(rate=0, burst=2)
    with pytest.raises(ProtocolError) as info:
        gate.admit(None)  # a binary frame
    assert info.value.code == "bad_message"
    assert isinstance(gate.admit('{"type": "ping"}'), client.Ping)
    with pytest.raises(ProtocolError) as info:
        gate.admit("{not json")
    assert info.value.code == "bad_message"
    with pytest.raises(ProtocolError) as info:  # the first excess frame is answered
        gate.admit('{"type": "ping", "id": 3}')
    assert (info.value.code, info.value.ref) == ("rate_limited", 3)
    assert gate.admit('{"type": "ping"}') is None  # the next ones dropped
