"""The protocol version: the newest both sides speak, or a refusal that names them."""

from __future__ import annotations

import pytest

from palabre.signaling.protocol.version import CURRENT, SPOKEN, UnsupportedVersion, negotiate


def test_a_client_naming_no_version_speaks_the_first() -> None:
    assert negotiate(None) == 1


def test_the_newest_common_version_is_chosen() -> None:
    assert negotiate([CURRENT]) == CURRENT
    assert negotiate([*SPOKEN, CURRENT + 1, CURRENT + 7]) == CURRENT
    assert negotiate([CURRENT + 3, SPOKEN[0]]) == SPOKEN[0]


def test_no_common_version_is_refused_with_both_sides_named() -> None:
    with pytest.raises(UnsupportedVersion) as info:
        negotiate([CURRENT + 1, CURRENT + 2])
    message = str(info.value)
    assert message.startswith("versions:")
    assert str(CURRENT) in message and str(CURRENT + 2) in message
