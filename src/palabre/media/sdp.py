"""SDP (RFC 8866) as WebRTC uses it (RFC 8829): parse what browsers send, write what we answer.

Hand-written: the SFU only needs the lines below, and aiortc's parser is tied to its own
peer-connection objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")


class SdpError(ValueError):
    pass


@dataclass
class Codec:
    payload_type: int
    name: str
    clock_rate: int
    channels: int = 1
    fmtp: str = ""
    feedback: list[str] = field(default_factory=list)


@dataclass
class MediaSection:
    kind: str
    port: int
    proto: str
    formats: list[str]
    attributes: list[tuple[str, str | None]] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        for key, value in self.attributes:
            if key == name:
                return value if value is not None else ""
        return None

    def get_all(self, name: str) -> list[str]:
        return [v or "" for k, v in self.attributes if k == name]

    def has(self, name: str) -> bool:
        return any(k == name for k, _ in self.attributes)

    @property
    def mid(self) -> str | None:
        return self.get("mid")

    @property
    def direction(self) -> str:
        for key, _ in self.attributes:
            if key in DIRECTIONS:
                return key
        return "sendrecv"

    def codecs(self) -> list[Codec]:
        by_pt: dict[int, Codec] = {}
        for value in self.get_all("rtpmap"):
            try:
                pt_text, encoding = value.split(" ", 1)
                parts = encoding.split("/")
                codec = Codec(int(pt_text), parts[0], int(parts[1]))
                if len(parts) > 2:
                    codec.channels = int(parts[2])
                if not 0 <= codec.payload_type <= 127:
                    raise ValueError("payload type out of range")
            except (ValueError, IndexError) as exc:
                raise SdpError(f"bad rtpmap {value!r}") from exc
            by_pt[codec.payload_type] = codec
        for name, target in (("fmtp", "fmtp"), ("rtcp-fb", "feedback")):
            for value in self.get_all(name):
                pt_text, _, rest = value.partition(" ")
                if _is_number(pt_text) and int(pt_text) in by_pt:
                    codec = by_pt[int(pt_text)]
                    if target == "fmtp":
                        codec.fmtp = rest
                    else:
                        codec.feedback.append(rest)
        return [by_pt[int(f)] for f in self.formats if _is_number(f) and int(f) in by_pt]

    def extmap(self) -> dict[str, int]:
        """Header extension URI -> id."""
        result = {}
        for value in self.get_all("extmap"):
            ident, _, rest = value.partition(" ")
            uri = rest.split(" ")[0]
            try:
                result[uri] = int(ident.split("/")[0])
            except ValueError as exc:
                raise SdpError(f"bad extmap {value!r}") from exc
        return result

    def ssrcs(self) -> list[int]:
        """Media SSRCs in order, leaving out the retransmission (FID) and FEC ones."""
        secondary: set[int] = set()
        for group in self.get_all("ssrc-group"):
            parts = group.split()
            if parts and parts[0] in ("FID", "FEC-FR"):
                secondary.update(int(p) for p in parts[2:] if _is_number(p))
        seen: list[int] = []
        for value in self.get_all("ssrc"):
            head = value.split(" ", 1)[0]
            if not _is_number(head) or int(head) > 0xFFFFFFFF:
                raise SdpError(f"bad ssrc {value!r}")
            ssrc = int(head)
            if ssrc not in secondary and ssrc not in seen:
                seen.append(ssrc)
        return seen


def _is_number(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts '²' and other digits int() refuses."""
    return text.isascii() and text.isdigit()


@dataclass
class SessionDescription:
    origin: str = "- 0 0 IN IP4 0.0.0.0"
    name: str = "-"
    attributes: list[tuple[str, str | None]] = field(default_factory=list)
    media: list[MediaSection] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        for key, value in self.attributes:
            if key == name:
                return value if value is not None else ""
        return None

    def transport_attribute(self, name: str) -> str | None:
        """An attribute of the bundled transport: the first open media section's (a bundle-only
        one is open, RFC 8843), else the session's."""
        for section in self.media:
            if section.port != 0 or section.has("bundle-only"):
                value = section.get(name)
                if value is not None:
                    return value
        return self.get(name)


# An answer has an m-section per track received (about 0.7 KB each): 512 KiB is some 600,
# a meeting of hundreds; at 64 KiB, the 60th participant's answer was refused.
MAX_SDP = 512 * 1024


def parse(text: str) -> SessionDescription:
    if len(text) > MAX_SDP:
        raise SdpError(f"SDP larger than {MAX_SDP // 1024} KiB")
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line]
    if not lines or not lines[0].startswith("v=0"):
        raise SdpError("SDP must start with v=0")
    session = SessionDescription()
    current: MediaSection | None = None
    for line in lines[1:]:
        if len(line) < 2 or line[1] != "=":
            raise SdpError(f"bad SDP line {line[:40]!r}")
        kind, value = line[0], line[2:]
        if kind == "m":
            parts = value.split()
            if len(parts) < 3:
                raise SdpError(f"bad m= line {value[:40]!r}")
            try:
                port = int(parts[1].split("/")[0])
            except ValueError as exc:
                raise SdpError(f"bad m= port {parts[1][:20]!r}") from exc
            if not 0 <= port <= 65535:
                raise SdpError(f"bad m= port {parts[1][:20]!r}")
            current = MediaSection(parts[0], port, parts[2], parts[3:])
            session.media.append(current)
        elif kind == "a":
            name, sep, rest = value.partition(":")
            attribute = (name, rest if sep else None)
            if current is None:
                session.attributes.append(attribute)
            else:
                current.attributes.append(attribute)
        elif kind == "o":
            session.origin = value
        elif kind == "s":
            session.name = value
    return session


def serialize(session: SessionDescription) -> str:
    lines = ["v=0", f"o={session.origin}", f"s={session.name}", "t=0 0"]
    lines += [_attribute(a) for a in session.attributes]
    for section in session.media:
        formats = " ".join(section.formats)
        lines.append(f"m={section.kind} {section.port} {section.proto} {formats}")
        lines.append("c=IN IP4 0.0.0.0")
        lines += [_attribute(a) for a in section.attributes]
    return "\r\n".join(lines) + "\r\n"


def _attribute(attribute: tuple[str, str | None]) -> str:
    name, value = attribute
    return f"a={name}" if value is None else f"a={name}:{value}"


@dataclass(frozen=True)
class Candidate:
    foundation: str
    protocol: str  # "udp" or "tcp"
    ip: str
    port: int
    priority: int

    def sdp(self) -> str:
        line = f"{self.foundation} 1 {self.protocol} {self.priority} {self.ip} {self.port} typ host"
        return line + (" tcptype passive" if self.protocol == "tcp" else "")


@dataclass(frozen=True)
class TransportParameters:
    """What every bundled media section of ours carries about the server's transport."""

    ice_ufrag: str
    ice_pwd: str
    fingerprint: str
    setup: str
    candidates: tuple[Candidate, ...]

    def attributes(self) -> list[tuple[str, str | None]]:
        attrs: list[tuple[str, str | None]] = [
            ("ice-ufrag", self.ice_ufrag),
            ("ice-pwd", self.ice_pwd),
            ("fingerprint", f"sha-256 {self.fingerprint}"),
            ("setup", self.setup),
        ]
        attrs += [("candidate", c.sdp()) for c in self.candidates]
        attrs.append(("end-of-candidates", None))
        return attrs


@dataclass(frozen=True)
class RemoteTransport:
    ice_ufrag: str
    ice_pwd: str
    fingerprint: str
    setup: str


def remote_transport(session: SessionDescription) -> RemoteTransport:
    """The peer's ICE credentials and DTLS fingerprint; SdpError when any is missing."""
    ufrag = session.transport_attribute("ice-ufrag")
    pwd = session.transport_attribute("ice-pwd")
    fingerprint = session.transport_attribute("fingerprint")
    setup = session.transport_attribute("setup") or "actpass"
    if not ufrag or not pwd:
        raise SdpError("ice-ufrag and ice-pwd are required")
    if not fingerprint:
        raise SdpError("a DTLS fingerprint is required")
    algorithm, _, value = fingerprint.partition(" ")
    if algorithm.lower() != "sha-256" or not value:
        raise SdpError("the DTLS fingerprint must be sha-256")
    return RemoteTransport(ufrag, pwd, value.strip().upper(), setup)
