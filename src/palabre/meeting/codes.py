"""Numeric meeting codes: every room name has a stable 9-digit code people can dial or type.

The code is a keyed hash of the name, so it exists before anyone joins and cannot be
enumerated into names; the reverse map is kept for codes that were handed out.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path


class MeetingCodes:
    def __init__(self, secret: bytes, path: Path | None = None) -> None:
        self._secret = secret
        self._path = path
        self._names: dict[str, str] = {}
        if path is not None and path.exists():
            try:
                self._names = dict(json.loads(path.read_text()))
            except (ValueError, TypeError):
                self._names = {}

    def code_for(self, room_name: str) -> str:
        digest = hmac.new(self._secret, room_name.encode(), hashlib.sha256).digest()
        value = int.from_bytes(digest[:8], "big")
        code = f"{value % 900_000_000 + 100_000_000}"
        # A collision (one in a billion) keeps the first holder; the later name salts itself.
        salt = 0
        while self._names.get(code, room_name) != room_name:
            salt += 1
            digest = hmac.new(self._secret, f"{room_name}#{salt}".encode(), hashlib.sha256).digest()
            code = f"{int.from_bytes(digest[:8], 'big') % 900_000_000 + 100_000_000}"
        if code not in self._names:
            self._names[code] = room_name
            self._save()
        return code

    def room_for(self, code: str) -> str | None:
        return self._names.get(code.replace(" ", ""))

    def _save(self) -> None:
        if self._path is None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._names))
        os.replace(tmp, self._path)
