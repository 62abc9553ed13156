"""SRTP and SRTCP sessions (RFC 3711, RFC 7714) with pylibsrtp, keyed from DTLS."""

from __future__ import annotations

from collections.abc import Callable

from pylibsrtp import Error, Policy, Session

from .dtls import SrtpKeys

__all__ = ["Error", "SrtpContext"]

_PROFILES = {
    b"SRTP_AEAD_AES_128_GCM": Policy.SRTP_PROFILE_AEAD_AES_128_GCM,
    b"SRTP_AES128_CM_SHA1_80": Policy.SRTP_PROFILE_AES128_CM_SHA1_80,
}


class SrtpContext:
    """The two directions of one DTLS-SRTP association."""

    def __init__(self, keys: SrtpKeys) -> None:
        profile = _PROFILES[keys.profile]
        self.profile = keys.profile

        rx = Policy(
            key=keys.remote_key + keys.remote_salt,
            ssrc_type=Policy.SSRC_ANY_INBOUND,
            srtp_profile=profile,
        )
        # A wide replay window, as browsers use: reordering on bad networks exceeds 128.
        rx.window_size = 1024
        self._rx = Session(policy=rx)

        tx = Policy(
            key=keys.local_key + keys.local_salt,
            ssrc_type=Policy.SSRC_ANY_OUTBOUND,
            srtp_profile=profile,
        )
        # Retransmissions answer NACKs with the sequence number already sent once.
        tx.allow_repeat_tx = True
        tx.window_size = 1024
        self._tx = Session(policy=tx)

        self.protect = _fast_protect(self._tx) or self._tx.protect
        self.protect_rtcp = self._tx.protect_rtcp
        self.unprotect = self._rx.unprotect
        self.unprotect_rtcp = self._rx.unprotect_rtcp


def _fast_protect(session: Session) -> Callable[[bytes], bytes] | None:
    """Session.protect without its per-call allocation and checks: the forward path calls it
    once per packet and subscriber (bench/RESULTS.md, hot spots). It reaches into the
    session's libsrtp handle and buffer; None (use Session.protect) if pylibsrtp changed."""
    try:
        from pylibsrtp import _binding

        handle = session._srtp[0]
        cdata = session._cdata
        buffer = session._buffer
        limit = len(cdata) - 16 - 128  # pylibsrtp's SRTP_MAX_TRAILER_LEN
        length = _binding.ffi.new("int *")
        srtp_protect = _binding.lib.srtp_protect
    except (AttributeError, ImportError, TypeError):
        return None

    def protect(packet: bytes) -> bytes:
        size = len(packet)
        if size > limit:
            raise ValueError("packet is too long")
        buffer[0:size] = packet
        length[0] = size
        status = srtp_protect(handle, cdata, length)
        if status:
            raise Error(f"libsrtp error {status}")
        result: bytes = buffer[0 : length[0]]
        return result

    return protect
