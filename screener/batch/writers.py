"""Writing batch entries: JSON Lines, a JSON array, CSV, Parquet (``parquet_io``) or FHIR, to stdout, to a device or pipe, or
atomically to a file (the file appears only when every entry has been written). Where output may
go is checked once here (``output_target``) for every kind of output: results, reports, the FHIR
questionnaire."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any, Literal, Protocol, TextIO, cast

from screener.batch.encoding import CSV_COLUMNS, EntryEncoder, encoder_for
from screener.batch.parquet_io import ParquetResultWriter
from screener.batch.records import RECORD_FILE_SUFFIXES
from screener.errors import ClosedPipe, OutputError, ScreenerError

__all__ = ["CSV_COLUMNS", "EntryWriter", "OutputTarget", "ResultWriter", "open_writer", "output_target"]

OutputFormat = Literal["jsonl", "json", "csv", "parquet", "fhir"]


class ResultWriter(Protocol):
    """Where batch entries go, one at a time (from ``open_writer``)."""

    def write(self, entry: Mapping[str, object]) -> None:
        """Write one JSON-ready entry."""


class EntryWriter:
    """Entries written through an ``EntryEncoder`` onto a stream, flushed every few entries so
    that progress is visible. ``write_encoded`` takes entries already encoded (by a worker
    process, with the same encoder), so both ways give the same bytes. Bytes are gathered and
    written a few hundred kilobytes at a time: an entry is a few kilobytes, a write call costs
    the same for one or a hundred."""

    _FLUSH_EVERY = 100
    _GATHER_BYTES = 256 * 1024

    def __init__(self, out: TextIO, encoder: EntryEncoder) -> None:
        self._out = out
        self._put = _byte_writer(out)
        self._gathered: list[bytes] = []
        self._size = 0
        self.encoder = encoder
        self.count = 0
        self._put(encoder.start())

    def write(self, entry: Mapping[str, object]) -> None:
        data = self.encoder.entry(entry, self.count == 0)
        self._gathered.append(data)
        self._size += len(data)
        self.count += 1
        if self.count % self._FLUSH_EVERY == 0 or self._size >= self._GATHER_BYTES:
            self.flush()

    def write_encoded(self, data: bytes, entries: int) -> None:
        """Write ``entries`` entries already encoded, in order (the first of all included)."""
        self.flush()
        self._put(data)
        self.count += entries
        self._out.flush()

    def flush(self) -> None:
        """Write what was gathered, and flush the stream."""
        if self._gathered:
            self._put(b"".join(self._gathered))
            self._gathered.clear()
            self._size = 0
        self._out.flush()

    def finish(self) -> None:
        """Complete the output; only called when every entry was written."""
        self.flush()
        self._put(self.encoder.finish(self.count))
        self._out.flush()


def _byte_writer(out: TextIO) -> Callable[[bytes], object]:
    """Bytes onto a text stream: through the binary stream below it when it has one (after what
    was written as text), else decoded (a StringIO)."""
    write_bytes = getattr(out, "write_bytes", None)
    if write_bytes is not None:
        return cast(Callable[[bytes], object], write_bytes)
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        return lambda data: write_all(buffer, data)
    return lambda data: out.write(data.decode("utf-8"))


def write_all(buffer: IO[bytes], data: bytes) -> None:
    """Write every byte of ``data``. A buffered stream's ``write`` may write only part of a large
    block and say so in what it returns, without an error: onto a pipe whose reader went away in
    the middle of the block (``| head -1``), the next write is the one that fails (EPIPE). Taking
    the part for the whole once ended such a run "successfully", its summary claiming every
    record written."""
    view = memoryview(data)
    while view:
        view = view[buffer.write(view) :]


# -- where output goes ------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputTarget:
    """Where output goes, checked before any input is read (see ``output_target``)."""

    name: str
    """As the user gave it, for messages; ``-`` for stdout."""
    path: str | None
    """The file written (a symlink's final target), or None for stdout."""
    direct: bool = False
    """A device or a named pipe: written in place. Only regular files are replaced atomically."""


def output_target(
    path: str | None,
    inputs: Sequence[str] = (),
    *,
    stdin: IO[Any] | None = None,
    hint: str = "give a file name, such as results.jsonl",
) -> OutputTarget:
    """Check an output path before anything is read, and say how it will be written.

    A regular file (or a new one) is written atomically; a symlink is followed to its target; a
    character or block device or a named pipe is written directly, never replaced by a file
    (``-o /dev/null`` as root once turned /dev/null into a world-readable file of results).
    Raises ``OutputError`` (exit 2) for a directory, and for an output that is one of the
    ``inputs`` (also through a symlink or a hard link, or the file behind ``-`` on stdin): the
    answers would be replaced by the results.
    """
    if path is None or path == "-":
        return OutputTarget("-", None)
    target = os.path.realpath(path)
    try:
        status: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    if status is None:
        return OutputTarget(path, target)
    if stat.S_ISDIR(status.st_mode):
        raise OutputError(f"cannot write {path}: it is a directory", hint=hint)
    same = _input_that_is(status, inputs, stdin)
    if same is not None:
        also = "" if same == path else f" ({same})"
        raise OutputError(
            f"cannot write {path}: it is also an input{also}, and writing the results would replace the answers",
            hint="write the results to another file",
        )
    return OutputTarget(path, target, direct=not stat.S_ISREG(status.st_mode))


def _input_that_is(output: os.stat_result, inputs: Sequence[str], stdin: IO[Any] | None) -> str | None:
    """The input (or the file of a folder input) that is the same file as the output, if any."""
    for given in inputs:
        try:
            if given == "-":
                stream = stdin if stdin is not None else sys.stdin
                status = os.fstat(stream.fileno()) if stream is not None else None
                if status is not None and _same_file(status, output):
                    return "the file given on stdin"
                continue
            status = os.stat(given)
            if _same_file(status, output):
                return given
            if stat.S_ISDIR(status.st_mode):
                with os.scandir(given) as entries:
                    for entry in entries:
                        if entry.name.lower().endswith(RECORD_FILE_SUFFIXES) and _same_file(entry.stat(), output):
                            return entry.path
        except (OSError, ValueError, io.UnsupportedOperation):
            continue  # an input that cannot be looked at is reported when it is read
    return None


def _same_file(first: os.stat_result, second: os.stat_result) -> bool:
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


@contextlib.contextmanager
def open_output(target: OutputTarget, stdout: TextIO | None = None) -> Iterator[TextIO]:
    """A text stream onto ``target`` for one output (results, and later reports).

    Stdout is written as it is; a device or a named pipe directly; a regular file atomically: to
    a temporary file beside it, moved onto it only when the ``with`` block ends without an
    exception, so a failed or interrupted run never leaves a partial file nor spoils an earlier
    one. A new file is readable by its owner only (results are health data); a replaced one
    keeps its permissions (and owner, where allowed). A failure to write is an ``OutputError``
    (exit 2), a closed pipe a ``ClosedPipe``.
    """
    if target.path is None:
        yield _guarded(stdout if stdout is not None else sys.stdout, "stdout")
        return
    if target.direct:
        try:
            out = open(target.path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        except OSError as error:
            raise OutputError(f"cannot write {target.name}: {error.strerror or error}") from None
        with _closing(out, target.name):
            yield _guarded(out, target.name)
        return
    yield from _atomic(target)


def _atomic(target: OutputTarget) -> Iterator[TextIO]:
    assert target.path is not None
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{os.path.basename(target.path)}.", suffix=".tmp", dir=os.path.dirname(target.path)
        )
    except OSError as error:
        raise OutputError(f"cannot write {target.name}: {error.strerror or error}") from None
    done = False
    try:
        with _closing(open(descriptor, "w", encoding="utf-8", newline=""), target.name) as out:
            yield _guarded(out, target.name)
            try:
                out.flush()
                os.fsync(out.fileno())
                _keep_mode_and_owner(temporary, target.path)
                os.replace(temporary, target.path)
            except OSError as error:
                raise _output_failed(error, target.name) from None
        done = True
    finally:
        if not done:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


def _keep_mode_and_owner(temporary: str, path: str) -> None:
    try:
        earlier = os.stat(path)
    except FileNotFoundError:
        return  # a new file stays private (mkstemp made it 0600)
    os.chmod(temporary, stat.S_IMODE(earlier.st_mode))
    with contextlib.suppress(OSError):  # only root may give a file away; others keep their own
        if (earlier.st_uid, earlier.st_gid) != (os.getuid(), os.getgid()):
            os.chown(temporary, earlier.st_uid, earlier.st_gid)


@contextlib.contextmanager
def _closing(out: TextIO, name: str) -> Iterator[TextIO]:
    """Close ``out``; a failure to flush on closing is a failure to write, not a crash."""
    try:
        yield out
    finally:
        try:
            out.close()
        except OSError as error:
            if sys.exc_info()[0] is None:  # not while another error is on its way
                raise _output_failed(error, name) from None


def _output_failed(error: OSError, name: str) -> ScreenerError:
    if isinstance(error, BrokenPipeError):
        return ClosedPipe()
    where = "stdout" if name == "stdout" else name
    return OutputError(f"cannot write {where}: {error.strerror or error}")


def _guarded(out: TextIO, name: str) -> TextIO:
    return cast(TextIO, _Guarded(out, name))


class _Guarded(io.TextIOBase):
    """A text stream whose write failures are ``OutputError`` or ``ClosedPipe``, not OSError."""

    def __init__(self, out: TextIO, name: str) -> None:
        super().__init__()
        self._out = out
        self._name = name

    def write(self, text: str) -> int:
        try:
            return self._out.write(text)
        except OSError as error:
            raise _output_failed(error, self._name) from None

    def flush(self) -> None:
        try:
            self._out.flush()
        except OSError as error:
            raise _output_failed(error, self._name) from None

    def write_bytes(self, data: bytes) -> None:
        """Write bytes below the text layer (after flushing what was written as text)."""
        try:
            buffer = getattr(self._out, "buffer", None)
            if buffer is None:
                self._out.write(data.decode("utf-8"))
                return
            self._out.flush()
            write_all(buffer, data)
        except OSError as error:
            raise _output_failed(error, self._name) from None

    def fileno(self) -> int:
        return self._out.fileno()

    @property
    def buffer(self) -> Any:  # type: ignore[override]
        """The binary stream below (for a binary document, such as a PDF report)."""
        return self._out.buffer


@contextlib.contextmanager
def open_writer(
    path: str | OutputTarget | None,
    fmt: OutputFormat,
    stdout: TextIO | None = None,
    *,
    ruleset: Any = None,
    as_of: date | None = None,
) -> Iterator[EntryWriter | ParquetResultWriter]:
    """Open a writer for batch entries in ``fmt`` ("jsonl", "json", "csv", "parquet", or "fhir",
    which needs the ``ruleset`` the entries were screened with, and their ``as_of`` date if any). The text formats are
    ``EntryWriter`` (entries, or entries already encoded by workers); Parquet takes entries.

    ``path`` None or ``-`` writes to ``stdout`` (default ``sys.stdout``); otherwise see
    ``open_output``. A path not already checked by ``output_target`` is checked here.
    """
    encoder = None if fmt == "parquet" else encoder_for(fmt, ruleset, as_of)
    target = path if isinstance(path, OutputTarget) else output_target(path)
    with open_output(target, stdout) as out:
        writer = ParquetResultWriter(out) if encoder is None else EntryWriter(out, encoder)
        yield writer
        writer.finish()


@contextlib.contextmanager
def atomic_output(path: str, *, hint: str = "give a file name", inputs: Sequence[str] = ()) -> Iterator[TextIO]:
    """A text output (UTF-8) onto ``path`` for any command that writes a file: checked by
    ``output_target`` (never an input, never a folder) and written by ``open_output``: a regular
    file atomically (0600 when new), a device or a named pipe in place, a symlink's target.
    Raises ``OutputError`` (exit 2) when it cannot be written.
    """
    with open_output(output_target(path, inputs, hint=hint)) as out:
        yield out


def write_atomically(path: str, content: str | bytes, *, hint: str = "give a file name") -> None:
    """Write a whole text (UTF-8) or binary document to ``path`` (see ``atomic_output``)."""
    with atomic_output(path, hint=hint) as out:
        if isinstance(content, str):
            out.write(content)
            return
        out.flush()
        try:
            write_all(out.buffer, content)
        except OSError as error:
            raise _output_failed(error, path) from None
