"""Peer-to-peer signaling: an offer, an answer or an ICE candidate relayed between the two of
a room's pair (meeting/p2p.py), and to no one else."""

from __future__ import annotations

from .hub import Hub, Member
from .protocol import client as m
from .protocol import server as ev
from .protocol.client import ProtocolError


def relay(hub: Hub, member: Member, message: m.P2pSignal) -> None:
    ref = message.id
    room = member.room
    recipient = hub.members.get(message.to)
    if recipient is None or recipient.room is not room or recipient is member:
        raise ProtocolError("not_found", "to: no other participant with this id here", ref)
    if room.p2p.peer_of(member.id) != recipient.id or message.session != room.p2p.session:
        raise ProtocolError("invalid", "to: you two do not meet peer to peer now", ref)
    parts = [message.offer, message.answer, message.candidate]
    if sum(part is not None for part in parts) != 1:
        raise ProtocolError("invalid", "one of offer, answer or candidate, and only one", ref)
    candidate = None
    if message.candidate is not None:
        if " typ host" not in message.candidate.candidate:
            # No STUN or TURN server is given to peer-to-peer connections: a candidate of
            # another type would mean a configuration Palabre did not make.
            raise ProtocolError("invalid", "candidate: host candidates only", ref)
        candidate = ev.IceCandidateView(
            candidate=message.candidate.candidate,
            sdp_mid=message.candidate.sdp_mid,
            sdp_m_line_index=message.candidate.sdp_m_line_index,
        )
    relayed = ev.P2pSignalRelayed(
        from_=member.id,
        session=message.session,
        offer=message.offer,
        answer=message.answer,
        candidate=candidate,
    )
    recipient.peer.send(relayed)
