"""No IP address in the logs unless the operator asks (`log_ip`).

A filter on every handler replaces IPv4 and IPv6 addresses in each record's message (and in
uvicorn's access-log arguments) by "<ip>", whatever module logged them: uvicorn, the media
plane, a library. The server's own configured addresses are kept, they identify no one.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable

REDACTED = "<ip>"

_IPV4 = r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])"
# Full 8-group form, or any form with "::"; optional zone; IPv4-mapped tails included.
_IPV6 = (
    r"(?<![\w:.])(?:"
    r"(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"
    r"|(?:[0-9A-Fa-f]{1,4}:){0,7}(?::[0-9A-Fa-f]{1,4}){0,7}::?"
    r"(?:[0-9A-Fa-f]{1,4}:){0,6}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?"
    r")(?:%[\w.]+)?(?![\w:.])"
)
_ADDRESS = re.compile(f"{_IPV6}|{_IPV4}")


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


def redact(text: str, keep: frozenset[str] = frozenset()) -> str:
    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        if found in keep or not _is_address(found):
            return found
        return REDACTED

    return _ADDRESS.sub(replace, text)


class RedactAddresses(logging.Filter):
    def __init__(self, keep: Iterable[str] = ()) -> None:
        super().__init__()
        self.keep = frozenset(keep)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record: leave it to the handler to report
            return True
        record.msg = redact(message, self.keep)
        record.args = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.keep)
        return True


def install(log_ip: bool, keep: Iterable[str] = ()) -> None:
    """Put the filter on every handler configured so far (root and named loggers)."""
    if log_ip:
        return
    redactor = RedactAddresses(keep)
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, RedactAddresses) for f in handler.filters):
                handler.addFilter(redactor)
