"""What every signaling frame shares: a JSON object tagged by its `type`, in one casing.

Each message is a struct whose `tag` is its `type` on the wire, so the table of types is the
set of structs. Fields are snake_case in Python and camelCase on the wire (`audio_muted` is
`audioMuted`); the types themselves stay snake_case (`subscribe_answer`). A field the struct
does not declare is refused, both ways.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

MAX_MESSAGE_BYTES = 64 * 1024
# A subscribe answer has an m-section per track the participant receives (about 0.7 KB each
# from Chromium, more with video): 80 sections in a meeting of 60 already passed 64 KiB
# (bench/RESULTS.md). It alone may be this large: some 600 sections, a meeting of hundreds.
MAX_ANSWER_BYTES = 512 * 1024
# The WebSocket's own frame limit, beyond ours so that a frame too large gets an answer.
MAX_FRAME_BYTES = 2 * MAX_ANSWER_BYTES

RequestId = Annotated[int, msgspec.Meta(ge=0, le=2**53)]
ParticipantId = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
Kind = Literal["audio", "video"]
Source = Literal["microphone", "camera", "screen"]


class Message(
    msgspec.Struct,
    tag_field="type",
    forbid_unknown_fields=True,
    rename="camel",
    kw_only=True,
):
    """A signaling frame. Subclasses name their `type` with `tag=`."""

    @property
    def type(self) -> str:
        tag = self.__struct_config__.tag
        assert isinstance(tag, str)
        return tag


class Request(Message, kw_only=True):
    """Client to server. An `id` is echoed as `ref` in the reply or error it causes."""

    id: RequestId | None = None


class Event(Message, kw_only=True, omit_defaults=True):
    """Server to client. `ref` is the `id` of the request this answers, absent otherwise;
    an optional field at its default is left out."""

    ref: RequestId | None = None


class Record(msgspec.Struct, forbid_unknown_fields=True, rename="camel", omit_defaults=True):
    """A value inside an event (a participant, a track...): no `type` of its own."""


encode = msgspec.json.Encoder().encode
