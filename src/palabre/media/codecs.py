"""The one table of what Palabre sends and receives: codecs, payload types, RTP header
extensions and RTCP feedback, read by the publish answer (publisher.py), the subscribe offer
(subscriber.py) and the test participant (bot/client.py) alike."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Codec:
    name: str  # as in a=rtpmap
    clock_rate: int
    payload_type: int  # ours, in the offers we make
    channels: int | None = None
    fmtp: str | None = None

    def rtpmap(self, payload_type: int | None = None) -> str:
        pt = self.payload_type if payload_type is None else payload_type
        channels = f"/{self.channels}" if self.channels else ""
        return f"{pt} {self.name}/{self.clock_rate}{channels}"


# usedtx=1 (RFC 7587 7): a silent or muted microphone sends a DTX frame every 400 ms instead
# of 50 packets a second, which the SFU forwards as they come (a meeting's listeners cost
# little); useinbandfec=1: Opus's own forward error correction.
OPUS = Codec("opus", 48000, 111, channels=2, fmtp="minptime=10;useinbandfec=1;usedtx=1")
VP8 = Codec("VP8", 90000, 96)
RTX = Codec("rtx", 90000, 97)  # RFC 4588 retransmissions of VP8, on their own stream
CODECS = {"audio": OPUS, "video": VP8}

OPUS_PT, VP8_PT, RTX_PT = OPUS.payload_type, VP8.payload_type, RTX.payload_type

# RTP header extensions (RFC 8285), by URI.
MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid"
RID_URI = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
REPAIRED_RID_URI = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"
AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
TWCC_URI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"

# What a publisher may send us, per kind (kept when the offer has them).
PUBLISH_EXTENSIONS = {
    "audio": (MID_URI, AUDIO_LEVEL_URI),
    "video": (MID_URI, RID_URI, REPAIRED_RID_URI),
}
# The ids we give the extensions we send subscribers.
ABS_SEND_TIME_ID = 3
TWCC_ID = 5

# RTCP feedback (RFC 4585 a=rtcp-fb), by direction.
PUBLISH_FEEDBACK = {  # what we send a publisher
    "audio": (),
    "video": ("nack", "nack pli", "ccm fir", "goog-remb"),
}
SUBSCRIBE_FEEDBACK = {  # what a subscriber may send us
    "audio": ("transport-cc",),
    # rrtr (RFC 3611 receiver reference time): a receiver that sends nothing learns its
    # round-trip time from our DLRR echo; Chromium's jitter buffer then waits for
    # retransmissions instead of freezing. Chromium answers it only if its page adds it to
    # the answer (client/src/session.ts).
    "video": ("goog-remb", "transport-cc", "rrtr", "nack", "nack pli", "ccm fir"),
}


def payload_attributes(
    codec: Codec, feedback: tuple[str, ...], payload_type: int | None = None
) -> list[tuple[str, str | None]]:
    """a=rtpmap, a=fmtp and a=rtcp-fb lines of one codec."""
    pt = codec.payload_type if payload_type is None else payload_type
    attributes: list[tuple[str, str | None]] = [("rtpmap", codec.rtpmap(pt))]
    if codec.fmtp:
        attributes.append(("fmtp", f"{pt} {codec.fmtp}"))
    attributes += [("rtcp-fb", f"{pt} {fb}") for fb in feedback]
    return attributes


def rtx_attributes(rtx_pt: int, apt: int, clock_rate: int = 90000) -> list[tuple[str, str | None]]:
    """The RTX payload type repairing `apt` (RFC 4588)."""
    return [("rtpmap", f"{rtx_pt} rtx/{clock_rate}"), ("fmtp", f"{rtx_pt} apt={apt}")]
