"""SDP parsing and writing: a real browser offer, transport parameters, hostile text."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palabre.media import sdp

from .chrome_offer import AUDIO_SSRC, CHROME_OFFER, FINGERPRINT, VIDEO_RTX_SSRC, VIDEO_SSRC
from .firefox_offer import FIREFOX_OFFER


@pytest.fixture
def offer() -> sdp.SessionDescription:
    return sdp.parse(CHROME_OFFER)


def test_chrome_offer_structure(offer: sdp.SessionDescription) -> None:
    assert offer.origin == "- 4611731400430051336 2 IN IP4 127.0.0.1"
    assert offer.name == "-"
    assert offer.get("group") == "BUNDLE 0 1"
    assert offer.get("extmap-allow-mixed") == ""  # a flag attribute
    assert offer.get("ice-lite") is None
    audio, video = offer.media
    assert (audio.kind, audio.port, audio.proto) == ("audio", 9, "UDP/TLS/RTP/SAVPF")
    assert audio.formats == ["111", "63", "9", "0", "8", "13", "110", "126"]
    assert (audio.mid, video.mid) == ("0", "1")
    assert audio.direction == video.direction == "sendonly"
    assert video.has("rtcp-rsize") and not audio.has("rtcp-rsize")
    assert video.get_all("rtcp-fb")[:2] == ["96 goog-remb", "96 transport-cc"]


def test_codecs(offer: sdp.SessionDescription) -> None:
    audio, video = offer.media
    audio_codecs = audio.codecs()
    assert [c.payload_type for c in audio_codecs] == [111, 63, 9, 0, 8, 13, 110, 126]
    opus = audio_codecs[0]
    assert (opus.name, opus.clock_rate, opus.channels) == ("opus", 48000, 2)
    assert opus.fmtp == "minptime=10;useinbandfec=1"
    assert opus.feedback == ["transport-cc"]
    assert audio_codecs[2] == sdp.Codec(9, "G722", 8000)

    video_codecs = {c.payload_type: c for c in video.codecs()}
    assert len(video_codecs) == 16
    vp8 = video_codecs[96]
    assert (vp8.name, vp8.clock_rate, vp8.channels, vp8.fmtp) == ("VP8", 90000, 1, "")
    assert vp8.feedback == ["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"]
    assert video_codecs[97].name == "rtx"
    assert video_codecs[97].fmtp == "apt=96"
    assert video_codecs[106].fmtp.endswith("profile-level-id=42e01f")


def test_codecs_follow_format_order_and_skip_unmapped() -> None:
    section = sdp.MediaSection(
        "video",
        9,
        "UDP/TLS/RTP/SAVPF",
        ["100", "96", "x"],
        [("rtpmap", "96 VP8/90000"), ("rtpmap", "100 VP9/90000"), ("fmtp", "101 apt=100")],
    )
    assert [c.name for c in section.codecs()] == ["VP9", "VP8"]


@pytest.mark.parametrize("value", ["96", "x VP8/90000", "96 VP8", "96 VP8/fast", "96 opus/1/x"])
def test_codecs_bad_rtpmap(value: str) -> None:
    section = sdp.MediaSection("video", 9, "UDP/TLS/RTP/SAVPF", ["96"], [("rtpmap", value)])
    with pytest.raises(sdp.SdpError, match="rtpmap"):
        section.codecs()


def test_extmap(offer: sdp.SessionDescription) -> None:
    audio, video = offer.media
    assert audio.extmap() == {
        "urn:ietf:params:rtp-hdrext:ssrc-audio-level": 1,
        "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time": 2,
        "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01": 3,
        "urn:ietf:params:rtp-hdrext:sdes:mid": 4,
    }
    video_map = video.extmap()
    assert video_map["urn:ietf:params:rtp-hdrext:sdes:mid"] == 4
    assert video_map["http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"] == 5
    assert video_map["urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"] == 11
    assert len(video_map) == 9
    bad = sdp.MediaSection("audio", 9, "RTP/AVP", [], [("extmap", "one urn:x")])
    with pytest.raises(sdp.SdpError, match="extmap"):
        bad.extmap()


def test_ssrcs_leave_out_rtx(offer: sdp.SessionDescription) -> None:
    audio, video = offer.media
    assert audio.ssrcs() == [AUDIO_SSRC]
    assert video.ssrcs() == [VIDEO_SSRC]
    assert VIDEO_RTX_SSRC not in video.ssrcs()


def test_ssrcs_order_and_errors() -> None:
    section = sdp.MediaSection(
        "video",
        9,
        "UDP/TLS/RTP/SAVPF",
        ["96"],
        [
            ("ssrc-group", "SIM 3 1"),
            ("ssrc", "3 cname:a"),
            ("ssrc", "1 cname:a"),
            ("ssrc", "3 msid:a b"),
            ("ssrc-group", "FEC-FR 3 9"),
            ("ssrc", "9 cname:a"),
        ],
    )
    assert section.ssrcs() == [3, 1]
    section.attributes.append(("ssrc", "abc cname:a"))
    with pytest.raises(sdp.SdpError, match="ssrc"):
        section.ssrcs()


def test_remote_transport(offer: sdp.SessionDescription) -> None:
    remote = sdp.remote_transport(offer)
    assert remote == sdp.RemoteTransport("Xk9p", "q7VqBf1GzJ0m4T2yHc8dLw3e", FINGERPRINT, "actpass")


def test_remote_transport_uses_the_first_open_section_then_the_session() -> None:
    session = sdp.parse(
        "v=0\r\n"
        "a=ice-ufrag:sessufrag\r\na=ice-pwd:sesspwd\r\n"
        "a=fingerprint:SHA-256 ab:cd\r\n"
        "m=audio 0 UDP/TLS/RTP/SAVPF 0\r\na=ice-ufrag:closed\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=ice-ufrag:open\r\na=setup:active\r\n"
    )
    remote = sdp.remote_transport(session)
    assert remote == sdp.RemoteTransport("open", "sesspwd", "AB:CD", "active")


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (["a=ice-pwd:p", "a=fingerprint:sha-256 AA"], "ice-ufrag"),
        (["a=ice-ufrag:u", "a=fingerprint:sha-256 AA"], "ice-pwd"),
        (["a=ice-ufrag:u", "a=ice-pwd:p"], "fingerprint is required"),
        (["a=ice-ufrag:u", "a=ice-pwd:p", "a=fingerprint:sha-1 AA"], "sha-256"),
        (["a=ice-ufrag:u", "a=ice-pwd:p", "a=fingerprint:sha-256"], "sha-256"),
        (["a=ice-ufrag:", "a=ice-pwd:p", "a=fingerprint:sha-256 AA"], "ice-ufrag"),
    ],
)
def test_remote_transport_errors(lines: list[str], reason: str) -> None:
    text = "\r\n".join(["v=0", "m=audio 9 UDP/TLS/RTP/SAVPF 111", *lines, ""])
    with pytest.raises(sdp.SdpError, match=reason):
        sdp.remote_transport(sdp.parse(text))


def test_serialize_parse_round_trip(offer: sdp.SessionDescription) -> None:
    text = sdp.serialize(offer)
    assert text.startswith("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n")
    assert text.endswith("\r\n")
    again = sdp.parse(text)
    assert again == offer
    assert sdp.serialize(again) == text


def test_serialize_server_answer() -> None:
    transport = sdp.TransportParameters(
        "ufrag1",
        "password-of-24-characters",
        "AA:BB",
        "passive",
        (
            sdp.Candidate("1", "udp", "127.0.0.1", 10000, 2130706431),
            sdp.Candidate("101", "tcp", "127.0.0.1", 10000, 1015022079),
        ),
    )
    section = sdp.MediaSection("audio", 9, "UDP/TLS/RTP/SAVPF", ["111"])
    section.attributes += [("mid", "0"), *transport.attributes(), ("recvonly", None)]
    session = sdp.SessionDescription(attributes=[("ice-lite", None)], media=[section])
    text = sdp.serialize(session)
    assert "a=ice-lite\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n" in text
    assert "a=candidate:1 1 udp 2130706431 127.0.0.1 10000 typ host\r\n" in text
    assert "a=candidate:101 1 tcp 1015022079 127.0.0.1 10000 typ host tcptype passive\r\n" in text
    assert "a=fingerprint:sha-256 AA:BB\r\n" in text
    assert "a=end-of-candidates\r\n" in text
    parsed = sdp.parse(text)
    assert parsed.media[0].direction == "recvonly"
    assert sdp.remote_transport(parsed) == sdp.RemoteTransport(
        "ufrag1", "password-of-24-characters", "AA:BB", "passive"
    )


def test_direction_defaults_to_sendrecv() -> None:
    assert sdp.MediaSection("audio", 9, "RTP/AVP", []).direction == "sendrecv"


def test_parse_accepts_lf_only_and_port_ranges() -> None:
    session = sdp.parse("v=0\nm=video 9/2 RTP/AVP 96\na=mid:v\n")
    assert session.media[0].port == 9
    assert session.media[0].mid == "v"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "v=0"),
        ("o=- 1 1 IN IP4 0.0.0.0\r\n", "v=0"),
        ("v=0\r\nnonsense\r\n", "bad SDP line"),
        ("v=0\r\nm=audio 9\r\n", "bad m= line"),
        ("v=0\r\nm=audio nine RTP/AVP 0\r\n", "port"),
        ("v=0\r\n" + "a=x\r\n" * 110_000, "512 KiB"),
    ],
)
def test_parse_errors(text: str, reason: str) -> None:
    with pytest.raises(sdp.SdpError, match=reason):
        sdp.parse(text)


def _exercise(text: str) -> None:
    try:
        session = sdp.parse(text)
    except sdp.SdpError:
        return
    for section in session.media:
        for method in (section.codecs, section.extmap, section.ssrcs):
            with contextlib.suppress(sdp.SdpError):
                method()
    with contextlib.suppress(sdp.SdpError):
        sdp.remote_transport(session)


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_arbitrary_text_raises_only_sdp_error(text: str) -> None:
    _exercise(text)


sdp_lines = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda k, v: f"{k}={v}",
        st.sampled_from("vosmacbt"),
        st.text(max_size=30),
    ),
    st.builds(
        lambda name, value: f"a={name}:{value}",
        st.sampled_from(["rtpmap", "fmtp", "rtcp-fb", "extmap", "ssrc", "ssrc-group", "mid"]),
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=25),
    ),
    st.builds(
        lambda kind, port, fmts: f"m={kind} {port} UDP/TLS/RTP/SAVPF {fmts}",
        st.sampled_from(["audio", "video", "application"]),
        st.text(max_size=6),
        st.text(max_size=12),
    ),
)


@settings(max_examples=200)
@given(st.lists(sdp_lines, max_size=15))
def test_sdp_shaped_text_raises_only_sdp_error(lines: list[str]) -> None:
    _exercise("\r\n".join(["v=0", *lines]))


@pytest.mark.parametrize(
    "line",
    ["a=rtpmap:\u00b2 VP8/90000", "a=fmtp:\u00b2 apt=96", "a=ssrc:\u00b2 cname:x",
     "a=ssrc-group:FID 1 \u00b2", "a=rtcp-fb:\u0663 nack"],
)  # fmt: skip
def test_non_ascii_digits_are_sdp_errors_not_crashes(line: str) -> None:
    # str.isdigit() accepts '²' and other digits int() refuses.
    offer = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96 \u00b2\r\na=rtpmap:96 VP8/90000\r\n"
    _exercise(f"{offer}{line}\r\n")


def test_out_of_range_numbers_are_refused() -> None:
    big_ssrc = sdp.MediaSection("audio", 9, "RTP/AVP", [], [("ssrc", "4294967296 cname:x")])
    with pytest.raises(sdp.SdpError, match="ssrc"):
        big_ssrc.ssrcs()
    max_ssrc = sdp.MediaSection("audio", 9, "RTP/AVP", [], [("ssrc", "4294967295 cname:x")])
    assert max_ssrc.ssrcs() == [0xFFFFFFFF]
    big_pt = sdp.MediaSection("audio", 9, "RTP/AVP", ["128"], [("rtpmap", "128 opus/48000/2")])
    with pytest.raises(sdp.SdpError, match="rtpmap"):
        big_pt.codecs()
    for port in ("65536", "-1"):
        with pytest.raises(sdp.SdpError, match="port"):
            sdp.parse(f"v=0\r\nm=audio {port} RTP/AVP 0\r\n")


def test_firefox_offer_is_bundle_only() -> None:
    """Firefox under max-bundle: the camera's section has port 0 and a=bundle-only, and the
    transport (ICE, fingerprint) is read from the first section and the session."""
    offer = sdp.parse(FIREFOX_OFFER)
    assert offer.get("group") == "BUNDLE 0 1"
    audio, video = offer.media
    assert (audio.port, video.port) == (9, 0)
    assert video.has("bundle-only") and not audio.has("bundle-only")
    assert video.get("simulcast") == "send l;m;h"
    remote = sdp.remote_transport(offer)
    assert remote.ice_ufrag == "9a718a1b"
    assert remote.fingerprint.startswith("D5:E9:E4:18")


def test_transport_read_from_a_bundle_only_section() -> None:
    """When the only section carrying the ICE credentials is bundle-only, they are its."""
    text = FIREFOX_OFFER.replace("m=audio 9 ", "m=audio 0 ", 1)
    text = text.replace("a=ice-ufrag:9a718a1b", "a=x-ufrag:none", 1)
    assert sdp.parse(text).media[0].get("ice-ufrag") is None
    assert sdp.remote_transport(sdp.parse(text)).ice_ufrag == "9a718a1b"
