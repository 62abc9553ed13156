"""The parts of the SFU that publish and subscribe negotiation needs, without sockets: what
tests/media's negotiation tests (publisher, subscriber, NACK) build on."""

from __future__ import annotations

from palabre.media import sdp
from palabre.media.connection import MediaConnection
from palabre.media.dtls import Certificate
from palabre.media.publisher import Publisher
from palabre.media.subscriber import Subscriber
from palabre.media.track import Track
from palabre.media.transport import MediaTransport

CANDIDATES = (
    sdp.Candidate("1", "udp", "127.0.0.1", 10000, 2130706431),
    sdp.Candidate("101", "tcp", "127.0.0.1", 10000, 1015022079),
)


class Harness:
    """The parts of the SFU that negotiation needs, without sockets."""

    def __init__(self, certificate: Certificate) -> None:
        self.certificate = certificate
        self.transport = MediaTransport()
        self.keyframe_requests: list[Track] = []

    def transport_parameters(
        self, connection: MediaConnection, setup: str
    ) -> sdp.TransportParameters:
        return sdp.TransportParameters(
            connection.ufrag, connection.pwd, self.certificate.fingerprint, setup, CANDIDATES
        )

    def connection(self) -> MediaConnection:
        return MediaConnection(
            self.transport,
            self.certificate,
            on_rtp=lambda _: None,
            on_rtcp=lambda _: None,
            on_connected=lambda: None,
        )

    def publisher(self, participant_id: str = "alice") -> Publisher:
        return Publisher(
            participant_id,
            self.connection(),
            self.transport_parameters,
            lambda track, _layer: self.keyframe_requests.append(track),
        )

    def subscriber(self, participant_id: str = "bob") -> Subscriber:
        return Subscriber(participant_id, self.connection(), self.transport_parameters)
