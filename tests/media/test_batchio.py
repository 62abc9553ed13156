"""Batched UDP I/O: the C path (sendmmsg, recvmmsg, GSO) and the pure-Python one deliver the
same datagrams to the same addresses, in the same order per address, and a full socket
(EAGAIN) keeps the rest queued, nothing lost or reordered."""

from __future__ import annotations

import asyncio
import errno
import socket
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palabre.media import batchio

NATIVE = batchio.native
needs_native = pytest.mark.skipif(NATIVE is None, reason="palabre.media.mmsg is not built")


def _ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


FAMILIES = [
    pytest.param((socket.AF_INET, "127.0.0.1"), id="ipv4"),
    pytest.param(
        (socket.AF_INET6, "::1"),
        id="ipv6",
        marks=pytest.mark.skipif(not _ipv6(), reason="no IPv6 loopback"),
    ),
]
# (use the C module, GSO)
PATHS = [
    pytest.param((False, False), id="python"),
    pytest.param((True, False), id="sendmmsg", marks=needs_native),
    pytest.param((True, True), id="sendmmsg-gso", marks=needs_native),
]


def _udp(family: int, host: str) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind((host, 0))
    sock.setblocking(False)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
    return sock


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def _drain(sock: socket.socket) -> list[tuple[bytes, Any]]:
    return batchio.python_recvmmsg(sock, 10_000)


# Sizes from a few values, so that runs of equal sizes to one destination (GSO's shape) are
# frequent, and a shorter one often follows them.
PACKETS = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.sampled_from([1, 60, 200, 1200, 1200, 1210, 1400]),
        st.integers(0, 255),
    ),
    min_size=1,
    max_size=60,
)


def _send_all(
    loop: asyncio.AbstractEventLoop,
    family: int,
    host: str,
    path: tuple[bool, bool],
    packets: list[tuple[int, int, int]],
) -> tuple[list[list[bytes]], list[list[bytes]]]:
    """Send the packets through a Sender; what each of three receivers got, and expected."""
    use_native, gso = path
    receivers = [_udp(family, host) for _ in range(3)]
    sender_sock = _udp(family, host)
    try:
        sender = batchio.Sender(sender_sock, loop, use_native=use_native, gso=gso)
        assert sender.gso == gso
        destinations = [sender.destination(r.getsockname()) for r in receivers]
        expected: list[list[bytes]] = [[], [], []]
        for index, (to, size, fill) in enumerate(packets):
            data = bytes([fill, index & 0xFF]) + bytes([fill]) * (size - 2) if size > 2 else b"x"
            sender.send(data, destinations[to])
            expected[to].append(data)
        sender.flush()
        assert sender.queued == 0 and sender.errors == 0
        got = [[data for data, _ in _drain(r)] for r in receivers]
        source = sender_sock.getsockname()
        for r in receivers:
            assert all(address[:2] == source[:2] for _, address in _drain(r))
        return got, expected
    finally:
        for sock in [*receivers, sender_sock]:
            sock.close()


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("path", PATHS)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(packets=PACKETS)
def test_every_path_delivers_the_same_datagrams_in_order(
    loop: asyncio.AbstractEventLoop,
    family: tuple[int, str],
    path: tuple[bool, bool],
    packets: list[tuple[int, int, int]],
) -> None:
    got, expected = _send_all(loop, *family, path, packets)
    assert got == expected


@pytest.mark.parametrize("family", FAMILIES)
@needs_native
def test_recvmmsg_reads_what_recvfrom_reads(family: tuple[int, str]) -> None:
    assert NATIVE is not None
    kind, host = family
    receiver, sender = _udp(kind, host), _udp(kind, host)
    try:
        packets = [bytes([i]) * (1 + 37 * i) for i in range(50)]
        for data in packets:
            sender.sendto(data, receiver.getsockname())
        read = batchio.receiver(receiver)
        got: list[tuple[bytes, Any]] = []
        while batch := read(batchio.RECEIVE_BATCH):
            assert len(batch) <= batchio.RECEIVE_BATCH
            got += batch
        assert [data for data, _ in got] == packets
        # The addresses are those recvfrom gives (the same tuple object for one source).
        sender.sendto(b"again", receiver.getsockname())
        (expected,) = batchio.python_recvmmsg(receiver, 10)
        assert all(address == expected[1] for _, address in got)
        assert len({id(address) for _, address in got}) == 1
        assert read(10) == []  # nothing waiting: EAGAIN is an empty batch
    finally:
        receiver.close()
        sender.close()


@pytest.mark.parametrize("path", PATHS)
def test_a_refused_packet_does_not_hold_back_the_others(
    loop: asyncio.AbstractEventLoop, path: tuple[bool, bool]
) -> None:
    use_native, gso = path
    receiver, sender_sock = _udp(socket.AF_INET, "127.0.0.1"), _udp(socket.AF_INET, "127.0.0.1")
    errors: list[OSError] = []
    try:
        sender = batchio.Sender(
            sender_sock, loop, use_native=use_native, gso=gso, on_error=errors.append
        )
        good = sender.destination(receiver.getsockname())
        bad = sender.destination(("127.0.0.1", 0))  # port 0: EINVAL
        for index in range(6):
            sender.send(b"a%d" % index, good)
            if index in (0, 3):
                sender.send(b"lost", bad)
        sender.flush()
        assert [data for data, _ in _drain(receiver)] == [b"a%d" % i for i in range(6)]
        assert sender.errors == 2 and [e.errno for e in errors] == [errno.EINVAL] * 2
        assert sender.queued == 0
    finally:
        receiver.close()
        sender_sock.close()


class _FullSocket:
    """The send call of a module (C or Python) behind a socket that takes `room` packets and
    then says EAGAIN until the next writable event."""

    def __init__(self, send: Any, room: int) -> None:
        self._send = send
        self.room = room
        self.left = room
        self.calls = 0
        self.eagain = 0

    def sendmmsg(
        self, fd: int, packets: list[bytes], addresses: list[Any], start: int, gso: bool
    ) -> int:
        self.calls += 1
        if self.left == 0:
            self.eagain += 1
            return start
        end = min(len(packets), start + self.left)
        sent: int = self._send(fd, packets[:end], addresses[:end], start, gso)
        self.left -= sent - start
        return sent

    def writable(self) -> None:
        self.left = self.room


@pytest.mark.parametrize("path", PATHS)
async def test_a_full_socket_keeps_the_rest_queued_in_order(path: tuple[bool, bool]) -> None:
    use_native, gso = path
    loop = asyncio.get_running_loop()
    receiver, sender_sock = _udp(socket.AF_INET, "127.0.0.1"), _udp(socket.AF_INET, "127.0.0.1")
    try:
        sender = batchio.Sender(sender_sock, loop, use_native=use_native, gso=gso)
        if use_native:
            assert NATIVE is not None
            send = NATIVE.sendmmsg
            pack = NATIVE.pack_address
        else:

            def send(
                fd: int, packets: list[bytes], addresses: list[Any], start: int, _: bool
            ) -> int:
                return batchio.python_sendmmsg(sender_sock, packets, addresses, start)

            def pack(_family: int, address: tuple[Any, ...]) -> tuple[Any, ...]:
                return address

        full = _FullSocket(send, room=7)
        fake = type(
            "FakeNative",
            (),
            {
                "sendmmsg": staticmethod(full.sendmmsg),
                "pack_address": staticmethod(pack),
                "gso_supported": staticmethod(lambda _fd: True),
            },
        )()
        sender.native = fake
        sender.gso = gso
        original = sender._writable  # the writable event refills the room first

        def writable() -> None:
            full.writable()
            original()

        sender._writable = writable  # type: ignore[method-assign]
        destination = sender.destination(receiver.getsockname())
        packets = [b"%03d" % i + bytes(100 + (i % 3) * 500) for i in range(60)]
        for data in packets[:40]:
            sender.send(data, destination)
        await asyncio.sleep(0)  # the scheduled flush: 7 go, the socket is full
        assert sender.queued == 33 and full.eagain >= 1
        for data in packets[40:]:  # queued behind, while the socket is full
            sender.send(data, destination)
        got: list[bytes] = []
        for _ in range(200):
            got += [data for data, _ in _drain(receiver)]
            if len(got) == len(packets):
                break
            await asyncio.sleep(0.001)
        assert got == packets
        assert sender.queued == 0 and sender.dropped == 0
    finally:
        receiver.close()
        sender_sock.close()


def test_python_sendmmsg_stops_at_eagain_and_raises_only_on_its_first_packet() -> None:
    class Socket:
        def __init__(self, failures: dict[bytes, list[BaseException]]) -> None:
            self.failures = failures
            self.sent: list[bytes] = []

        def sendto(self, data: bytes, _address: object) -> int:
            if self.failures.get(data):
                raise self.failures[data].pop(0)
            self.sent.append(data)
            return len(data)

    packets = [b"a", b"b", b"c", b"d"]
    addresses = [("127.0.0.1", 1)] * 4
    sock = Socket({b"b": [InterruptedError()], b"c": [BlockingIOError()]})
    assert batchio.python_sendmmsg(sock, packets, addresses, 0) == 2  # type: ignore[arg-type]
    assert sock.sent == [b"a", b"b"]
    sock = Socket({b"c": [OSError(errno.EPERM, "refused")]})
    assert batchio.python_sendmmsg(sock, packets, addresses, 1) == 2  # type: ignore[arg-type]
    with pytest.raises(OSError):
        sock.failures[b"c"].append(OSError(errno.EPERM, "refused"))
        batchio.python_sendmmsg(sock, packets, addresses, 2)  # type: ignore[arg-type]
    assert batchio.python_sendmmsg(sock, packets, addresses, 3) == 4  # type: ignore[arg-type]
    assert sock.sent == [b"b", b"d"]


def test_the_queue_is_bounded_while_the_socket_is_full(loop: asyncio.AbstractEventLoop) -> None:
    sock = _udp(socket.AF_INET, "127.0.0.1")
    try:
        drops: Counter[str] = Counter()
        sender = batchio.Sender(sock, loop, use_native=False, drops=drops)
        sender._waiting = True  # as after an EAGAIN
        destination = sender.destination(("127.0.0.1", 9))
        for _ in range(batchio.MAX_QUEUED + 5):
            sender.send(b"x", destination)
        assert sender.queued == batchio.MAX_QUEUED and sender.dropped == 5
        assert drops == {"send_queue_full": 5}
    finally:
        sock.close()


@needs_native
def test_gso_refused_by_the_kernel_goes_packet_by_packet_and_stays_off(
    loop: asyncio.AbstractEventLoop,
) -> None:
    assert NATIVE is not None
    real = NATIVE

    class NoGso:
        pack_address = staticmethod(real.pack_address)
        gso_supported = staticmethod(lambda _fd: True)
        refused = 0

        @classmethod
        def sendmmsg(
            cls, fd: int, packets: list[bytes], addresses: list[Any], start: int, gso: bool
        ) -> int:
            if gso:  # as a device without checksum offload answers
                cls.refused += 1
                raise OSError(errno.EIO, "Input/output error")
            return real.sendmmsg(fd, packets, addresses, start, gso)

    receiver, sender_sock = _udp(socket.AF_INET, "127.0.0.1"), _udp(socket.AF_INET, "127.0.0.1")
    try:
        sender = batchio.Sender(sender_sock, loop, gso=True)
        sender.native = NoGso()
        destination = sender.destination(receiver.getsockname())
        packets = [bytes([i]) * 1200 for i in range(10)]
        for data in packets:
            sender.send(data, destination)
        sender.flush()
        assert [data for data, _ in _drain(receiver)] == packets
        assert not sender.gso and NoGso.refused == 1 and sender.errors == 0
    finally:
        receiver.close()
        sender_sock.close()


def test_a_closed_sender_keeps_nothing(loop: asyncio.AbstractEventLoop) -> None:
    receiver, sock = _udp(socket.AF_INET, "127.0.0.1"), _udp(socket.AF_INET, "127.0.0.1")
    try:
        sender = batchio.Sender(sock, loop)
        destination = sender.destination(receiver.getsockname())
        sender.send(b"before", destination)
        sender.close()  # what was queued still goes
        sender.send(b"after", destination)  # a connection closing after the transport
        sender.flush()
        assert sender.queued == 0
        assert [data for data, _ in _drain(receiver)] == [b"before"]
    finally:
        receiver.close()
        sock.close()
