"""SrtpContext.protect (the forward path's lean call into libsrtp) matches pylibsrtp's."""

from __future__ import annotations

import os

import pytest
from pylibsrtp import Policy, Session

from palabre.media.dtls import SrtpKeys
from palabre.media.srtp import SrtpContext

PROFILES = {
    b"SRTP_AEAD_AES_128_GCM": Policy.SRTP_PROFILE_AEAD_AES_128_GCM,
    b"SRTP_AES128_CM_SHA1_80": Policy.SRTP_PROFILE_AES128_CM_SHA1_80,
}


@pytest.mark.parametrize("profile", [b"SRTP_AEAD_AES_128_GCM", b"SRTP_AES128_CM_SHA1_80"])
def test_protect_matches_pylibsrtp_and_round_trips(profile: bytes) -> None:
    salt = 12 if b"GCM" in profile else 14
    keys = SrtpKeys(profile, os.urandom(16), os.urandom(salt), os.urandom(16), os.urandom(salt))
    ours = SrtpContext(keys)
    reference = Session(
        policy=Policy(
            key=keys.local_key + keys.local_salt,
            ssrc_type=Policy.SSRC_ANY_OUTBOUND,
            srtp_profile=PROFILES[profile],
        )
    )
    mirrored = SrtpContext(
        SrtpKeys(profile, keys.remote_key, keys.remote_salt, keys.local_key, keys.local_salt)
    )
    for seq in range(5):
        packet = bytes([0x80, 111, 0, seq, 0, 0, 0, 1, 0, 0, 0, 7]) + os.urandom(40 + seq)
        protected = ours.protect(packet)
        assert protected == reference.protect(packet)
        assert mirrored.unprotect(protected) == packet


def test_protect_refuses_a_packet_too_long() -> None:
    keys = SrtpKeys(b"SRTP_AES128_CM_SHA1_80", *(os.urandom(n) for n in (16, 14, 16, 14)))
    with pytest.raises(ValueError):
        SrtpContext(keys).protect(bytes([0x80, 111]) + bytes(1500))
