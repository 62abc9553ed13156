"""The y-websocket wire protocol (y-protocols' sync and awareness messages, lib0 varuint
framing), read and written with pycrdt's own primitives.

A message is varuint(type) then its payload:
- SYNC (0): varuint(step) then varUint8Array(data); step 0 (SYNC_STEP1) carries a state
  vector, 1 (SYNC_STEP2) and 2 (SYNC_UPDATE) an update.
- AWARENESS (1): varUint8Array(awareness update).
- SAVED (100), Palabre's own: sent only to a connection that asked for it (`?saved=1`): the
  server's durable state vector (varUint8Array, Y.encodeStateVector's format) after an update
  of that connection was written to the database. A stock y-websocket client never asks; the
  Palabre editor registers a handler for it and shows "Saved" when the vector covers its own
  edits. (y-websocket 3 knows types 0 to 3 and logs an error for others, so the server never
  sends this one unasked.)
"""

from __future__ import annotations

from dataclasses import dataclass

from pycrdt import Decoder, YMessageType, YSyncMessageType, write_var_uint

SYNC = int(YMessageType.SYNC)
AWARENESS = int(YMessageType.AWARENESS)
SAVED = 100
STEP1 = int(YSyncMessageType.SYNC_STEP1)
STEP2 = int(YSyncMessageType.SYNC_STEP2)
UPDATE = int(YSyncMessageType.SYNC_UPDATE)
EMPTY_UPDATE = b"\x00\x00"  # no structs, no deletions


class ProtocolError(ValueError):
    """A message that is not y-protocols'."""


@dataclass(frozen=True)
class Message:
    type: int  # SYNC or AWARENESS
    step: int | None  # STEP1, STEP2 or UPDATE for SYNC
    data: bytes  # the state vector, the update, or the awareness update


def decode(message: bytes) -> Message:
    """One message as a client sends it; ProtocolError if it is malformed or unknown."""
    decoder = Decoder(message)
    try:
        kind = decoder.read_var_uint()
        step = None
        if kind == SYNC:
            step = decoder.read_var_uint()
            if step not in (STEP1, STEP2, UPDATE):
                raise ProtocolError(f"unknown sync step {step}")
        elif kind != AWARENESS:
            raise ProtocolError(f"unknown message type {kind}")
        data = decoder.read_message()
    except (IndexError, RuntimeError):
        raise ProtocolError("truncated message") from None
    if data is None or decoder.length != 0:
        raise ProtocolError("a message holds exactly one payload")
    return Message(kind, step, bytes(data))


def _payload(data: bytes) -> bytes:
    return write_var_uint(len(data)) + data


def sync_step1(state_vector: bytes) -> bytes:
    return bytes([SYNC, STEP1]) + _payload(state_vector)


def sync_step2(update: bytes) -> bytes:
    return bytes([SYNC, STEP2]) + _payload(update)


def sync_update(update: bytes) -> bytes:
    return bytes([SYNC, UPDATE]) + _payload(update)


def awareness(update: bytes) -> bytes:
    return bytes([AWARENESS]) + _payload(update)


def saved(state_vector: bytes) -> bytes:
    return write_var_uint(SAVED) + _payload(state_vector)


def awareness_clients(update: bytes) -> list[tuple[int, bool]]:
    """The (client id, still present) pairs an awareness update speaks of."""
    decoder = Decoder(update)
    try:
        clients = []
        for _ in range(decoder.read_var_uint()):
            client = decoder.read_var_uint()
            decoder.read_var_uint()  # clock
            state = decoder.read_var_string()
            clients.append((client, state not in ("", "null")))
    except (IndexError, RuntimeError, UnicodeDecodeError):
        raise ProtocolError("malformed awareness update") from None
    return clients


def decode_saved(message: bytes) -> bytes:
    """The state vector of a SAVED message."""
    decoder = Decoder(message)
    if decoder.read_var_uint() != SAVED:
        raise ProtocolError("not a saved message")
    data = decoder.read_message()
    if data is None:
        raise ProtocolError("truncated message")
    return bytes(data)
