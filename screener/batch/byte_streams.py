"""Byte streams the readers read through: the bytes already read to sniff a source's format put
back in front of the rest, JSON text sequences as JSON Lines, decoded text as UTF-8.

Each reads as it comes (``read_available``), so records arriving slowly on a pipe are screened
as they arrive.
"""

from __future__ import annotations

import io
import re
from typing import IO, TYPE_CHECKING, Final

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

#: How much decoded text ``Utf8Of`` reads at a time.
_TEXT_PIECE: Final = 16 * 1024


class Chain(io.RawIOBase):
    """The bytes already read to sniff the format, followed by the rest of the stream.

    Leaves the underlying stream open: whoever opened it closes it.
    """

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        target = memoryview(buffer).cast("B")
        if self._head:
            size = min(len(target), len(self._head))
            target[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = read_available(self._stream, len(target))
        target[: len(data)] = data
        return len(data)


#: What starts each record of a JSON text sequence (RFC 7464, ``application/json-seq``).
RECORD_SEPARATOR: Final = b"\x1e"
_SEPARATORS_AFTER_LINE_END: Final = re.compile(rb"\n\x1e+")


class RecordSeparators(io.RawIOBase):
    """A stream of RFC 7464 JSON text sequences, with the record separators that start a line
    as spaces: JSON Lines, byte for byte the same length. A record separator elsewhere (no JSON
    text holds one) is left for the reader to name."""

    def __init__(self, stream: IO[bytes], *, at_line_start: bool) -> None:
        super().__init__()
        self._stream = stream
        self._at_line_start = at_line_start

    @staticmethod
    def blanked(data: bytes, *, at_line_start: bool) -> bytes:
        text = bytearray(data)
        start = 0
        while at_line_start and start < len(text) and text[start] == RECORD_SEPARATOR[0]:
            text[start] = 0x20
            start += 1
        for found in _SEPARATORS_AFTER_LINE_END.finditer(data):
            text[found.start() + 1 : found.end()] = b" " * (found.end() - found.start() - 1)
        return bytes(text)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        target = memoryview(buffer).cast("B")
        data = self.blanked(read_available(self._stream, len(target)), at_line_start=self._at_line_start)
        if data:
            self._at_line_start = data.endswith(b"\n")
        target[: len(data)] = data
        return len(data)


class Utf8Of(io.RawIOBase):
    """The text of a decoded stream (UTF-16, say) as UTF-8 bytes, read a piece at a time."""

    def __init__(self, text: IO[str]) -> None:
        super().__init__()
        self._text = text
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        target = memoryview(buffer).cast("B")
        while not self._pending:
            piece = self._text.read(_TEXT_PIECE)
            if not piece:
                return 0
            self._pending = piece.encode("utf-8", "surrogatepass")
        size = min(len(target), len(self._pending))
        target[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def read_available(stream: IO[bytes], size: int) -> bytes:
    """Up to ``size`` bytes, without waiting for more than one read of a pipe.

    So that JSON Lines arriving slowly on stdin are screened as they come, not 64 kB at a time.
    """
    read1 = getattr(stream, "read1", None)
    data: bytes = read1(size) if read1 is not None else stream.read(size)
    return data
