"""Screening in several processes (``--workers N``): forked workers that read and write their own share.

Every worker reads every input itself, with the same reader as one process (so positions,
messages, FHIR Bundles and bulk data come out exactly alike), and screens only its share: the
items are numbered in input order and cut into chunks of ``CHUNK_RECORDS``, and worker *w* of
*N* takes chunks *w*, *w + N*, *w + 2N*... For each chunk it sends this process one frame over
its own pipe: a digest of each item (what the summary counts) and the chunk's output, already
encoded with the output format's ``EntryEncoder`` (or the entries themselves, pickled, when this
process needs them: a cohort report, the Python API). This process only takes the frames in chunk
order and writes them, so it neither parses, screens, unpickles nor encodes an entry.

Pipes give flow control for free: a worker more than a pipe's worth ahead waits, so memory stays
flat. Standard input and named pipes cannot be read by several processes, so this process copies
them, as they arrive, into unnamed temporary files (gone when the run ends, however it ends),
which the workers read as they grow.

Each worker compiles its own copy of the rules into the engine after the fork (the C engine's
handles belong to one process), ignores Ctrl-C and SIGTERM (this process stops them), dies with
this process, and holds neither stdin nor stdout. A worker that dies (out of memory, killed) is
an ``EngineError`` naming ``--workers 1``; one that fails raises its error here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import itertools
import os
import pickle
import signal
import stat
import struct
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO, Final

from screener.batch.readers import iter_records
from screener.batch.records import UnreadableSource
from screener.batch.refused_red_flags import said_first
from screener.errors import EngineError, InputError

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from screener.batch.encoding import EntryEncoder
    from screener.screening.findings import Detail
    from screener.screening.pipeline import Screener

#: Records (items read) in one chunk: one frame from a worker.
CHUNK_RECORDS: Final = 64
#: Bytes a worker's pipe holds (Linux's default upper limit for unprivileged processes).
PIPE_BYTES: Final = 1 << 20
_HEADER: Final = struct.Struct("<Bqqq")  # kind, chunk number (or items, at the end), digest and payload sizes
_CHUNK, _END, _FAILED = 0, 1, 2
_PR_SET_PDEATHSIG: Final = 1  # prctl option (linux/prctl.h): a signal sent to this process when its parent dies
_SPOOL_BYTES: Final = 1 << 20

Digest = tuple[Any, ...]
"""What the summary counts of one item: ("screened", id, source, position, headline, urgency,
coverage, a medicine name not read, id made up), ("invalid", id, source, position, None, urgency
of its red flags or None, None, False, id made up) or ("unreadable", source, message). An id made
up is the record's position, for a record that gives none (``id_made_up``)."""


@dataclasses.dataclass(frozen=True)
class Chunk:
    """One chunk's digests and output (bytes encoded by the workers, or the entries)."""

    digests: list[Digest]
    data: bytes
    entries: list[dict[str, Any]] | None


#: Where a digest holds the headline level and the urgency (``--fail-on`` tests one of them).
DIGEST_HEADLINE: Final = 4
DIGEST_URGENCY: Final = 5
#: Where a digest says its id was made up (``id_made_up``).
DIGEST_MADE_UP_ID: Final = 8


def digest(entry: Mapping[str, Any], headline: str, made_up: bool = False) -> Digest:
    if entry["status"] == "invalid":  # with the urgency of the red flags it reports, if any
        return ("invalid", entry["id"], entry.get("source"), entry.get("position"), None, entry.get("urgency"), None, False, made_up)
    return (
        "screened",
        entry["id"],
        entry.get("source"),
        entry.get("position"),
        entry[headline],
        entry["urgency"],
        entry["coverage"],
        name_unread(entry),
        made_up,
    )


def id_made_up(item: object, entry: Mapping[str, Any]) -> bool:
    """Whether an entry's id is its record's position because the record gives no id (answers
    saved by ``ask`` before they carried one, a sheet without an id column). Such ids are the same
    in every file of a batch ("1"), and are not said to be duplicates: the source tells them
    apart. A record that gives an id, even one equal to its position, is not made up."""
    value = getattr(item, "value", None)
    given = isinstance(value, dict) and value.get("id") not in (None, "")
    return not given and entry.get("id") == str(entry.get("position"))


def name_unread(entry: Mapping[str, Any]) -> bool:
    """Whether a screened entry has a medicine name not read that may lower magnesium or potassium,
    or keep potassium (the rules' advice ``check_medicine_names``, which the headline says too)."""
    from screener.headline import NAME_UNREAD_ADVICE, advice_codes

    return NAME_UNREAD_ADVICE in advice_codes(entry.get("recommendations"))


@dataclasses.dataclass(frozen=True)
class Job:
    """What every worker is given: the inputs and how to screen and write them."""

    inputs: tuple[str, ...]
    screener: Screener
    detail: Detail
    encoder: Callable[[], EntryEncoder] | None
    """Makes the output's encoder in the worker; None: send the entries themselves."""
    screen: Callable[[Any, Screener, Detail], dict[str, Any]]
    """One item read to its entry (``runner.record_entry``)."""
    ignore: tuple[str, ...] = ()
    """Columns of a sheet or Parquet file to leave out (``iter_records``' ``ignore``)."""


# -- this process ---------------------------------------------------------------------------------


def screened_chunks(job: Job, workers: int, stdin: BinaryIO | None = None) -> Iterator[Chunk]:
    """The chunks of the whole input in order, screened by ``workers`` forked processes."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with contextlib.ExitStack() as stack:
        spools = _Spools(job.inputs, stdin, context)
        stack.callback(spools.close)
        readers: list[BinaryIO] = []
        processes: list[BaseProcess] = []
        stack.callback(_stop, processes, readers)
        for index in range(workers):
            read_end, write_end = os.pipe()
            _widen(write_end)
            process = context.Process(
                target=_work,
                args=(job, index, workers, write_end, [read_end, *readers], spools, os.getpid()),
                name=f"mgk-screen worker {index + 1}",
                daemon=True,
            )
            process.start()
            os.close(write_end)
            processes.append(process)
            readers.append(open(read_end, "rb", buffering=PIPE_BYTES))  # noqa: SIM115 - closed by _stop
        spools.start()
        yield from _in_order(readers, processes, entries=job.encoder is None)


def _in_order(readers: Sequence[BinaryIO], processes: Sequence[BaseProcess], *, entries: bool) -> Iterator[Chunk]:
    workers = len(readers)
    for number in itertools.count():
        kind, told, digests, data = _read_frame(readers[number % workers], processes[number % workers])
        if kind == _END:
            _check_the_others_ended(readers, processes, number, told)
            return
        if told != number:
            raise EngineError(f"a worker sent chunk {told} where chunk {number} was due (a screener bug)")
        if entries:
            yield Chunk(digests, b"", pickle.loads(data))
        else:
            yield Chunk(digests, data, None)


def _read_frame(reader: BinaryIO, process: BaseProcess) -> tuple[int, int, list[Digest], bytes]:
    header = reader.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EngineError(f"a worker process died while screening ({_how_it_ended(process)}); try again with --workers 1")
    kind, told, digest_size, data_size = _HEADER.unpack(header)
    digests = pickle.loads(reader.read(digest_size)) if digest_size else []
    data = reader.read(data_size) if data_size else b""
    if len(data) < data_size:
        raise EngineError(f"a worker process died while screening ({_how_it_ended(process)}); try again with --workers 1")
    if kind == _FAILED:
        raise pickle.loads(data)
    return kind, told, digests, data


def _check_the_others_ended(readers: Sequence[BinaryIO], processes: Sequence[BaseProcess], number: int, items: int) -> None:
    """Every worker read the same items: an input that changed while it was read would not be."""
    for index, reader in enumerate(readers):
        if index == number % len(readers):
            continue
        kind, told, _, _ = _read_frame(reader, processes[index])
        if kind != _END or told != items:
            raise InputError(
                "an input changed while it was being read (the workers read different records)",
                hint="screen a copy that does not change, or use --workers 1",
            )


def _how_it_ended(process: BaseProcess) -> str:
    process.join(timeout=5)
    code = process.exitcode
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _stop(processes: Sequence[BaseProcess], readers: Sequence[BinaryIO]) -> None:
    """End every worker: at once when the run stopped early (they hold nothing that needs
    cleaning up), else let them exit on their own."""
    for reader in readers:
        with contextlib.suppress(OSError):
            reader.close()
    for process in processes:
        process.join(timeout=0.5)
        if process.exitcode is None:
            with contextlib.suppress(OSError):
                process.kill()
            process.join()


def _widen(descriptor: int) -> None:
    """A pipe of ``PIPE_BYTES`` where the system allows it (Linux), so a worker can run ahead."""
    fcntl_set_pipe_size = 1031  # F_SETPIPE_SZ
    with contextlib.suppress(ImportError, OSError):
        import fcntl

        fcntl.fcntl(descriptor, fcntl_set_pipe_size, PIPE_BYTES)


# -- inputs that can be read only once -------------------------------------------------------------


class _Spools:
    """Standard input and named pipes, copied as they arrive into unnamed temporary files that
    every worker reads (``_GrowingFile``), and that disappear with their last descriptor."""

    def __init__(self, inputs: Sequence[str], stdin: BinaryIO | None, context: Any) -> None:
        self._sources: dict[str, BinaryIO | str] = {}
        for given in dict.fromkeys(inputs):
            if given == "-":
                self._sources[given] = stdin if stdin is not None else sys.stdin.buffer
            elif _is_pipe(given):
                self._sources[given] = given
        self._files = {given: tempfile.TemporaryFile() for given in self._sources}  # noqa: SIM115 - closed by close()
        self._done = {given: context.Event() for given in self._sources}  # seen by the workers too
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Copy each source in a thread of its own (after the workers are forked)."""
        for given in self._sources:
            thread = threading.Thread(target=self._copy, args=(given,), name=f"spool {given}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _copy(self, given: str) -> None:
        source = self._sources[given]
        target = self._files[given].fileno()
        try:
            with contextlib.ExitStack() as stack:
                read = self._reader(source, stack)
                while block := read(_SPOOL_BYTES):
                    view = memoryview(block)
                    while view:
                        view = view[os.write(target, view) :]
        except (OSError, ValueError):
            pass  # what was copied is read; the end of a pipe that broke is its end
        finally:
            self._done[given].set()

    @staticmethod
    def _reader(source: BinaryIO | str, stack: contextlib.ExitStack) -> Callable[[int], bytes]:
        """How to read a source in the copying thread. The process's own stdin is read from its
        descriptor: a thread waiting inside ``sys.stdin.buffer`` would hold its lock when the
        process ends, and Python aborts on that."""
        if isinstance(source, str):
            descriptor = os.open(source, os.O_RDONLY)
            stack.callback(os.close, descriptor)
            return lambda size: os.read(descriptor, size)
        if source is sys.stdin.buffer:
            descriptor = source.fileno()
            return lambda size: os.read(descriptor, size)
        return getattr(source, "read1", source.read)  # type: ignore[no-any-return]

    def opened(self) -> dict[str, BinaryIO]:
        """In a worker: a reader of its own for each spooled input."""
        return {
            given: io.BufferedReader(_GrowingFile(file.fileno(), self._done[given]), _SPOOL_BYTES)  # type: ignore[misc]
            for given, file in self._files.items()
        }

    def close(self) -> None:
        for file in self._files.values():
            with contextlib.suppress(OSError):
                file.close()


def _is_pipe(path: str) -> bool:
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except OSError:
        return False


class _GrowingFile(io.RawIOBase):
    """A spooled input read with its own offset (``os.pread``), waiting for more while the
    parent is still copying it."""

    def __init__(self, descriptor: int, done: Any) -> None:
        super().__init__()
        self._descriptor = descriptor
        self._done = done
        self._offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while True:
            finished = self._done.is_set()
            data = os.pread(self._descriptor, len(view), self._offset)
            if data or finished:
                view[: len(data)] = data
                self._offset += len(data)
                return len(data)
            self._done.wait(0.01)


# -- a worker -------------------------------------------------------------------------------------


def _work(job: Job, index: int, workers: int, pipe: int, others: Sequence[Any], spools: _Spools, parent: int) -> None:
    """A worker's life: read every item, screen and encode its chunks, send them, then the end."""
    _become_worker(parent, others)
    out = open(pipe, "wb", buffering=PIPE_BYTES)  # noqa: SIM115 - closed by os._exit below
    try:
        screener = _own_screener(job.screener)
        items = iter_records(list(job.inputs), opened=spools.opened(), ignore=job.ignore)
        total = _screen_share(job, screener, items, index, workers, out)
        out.write(_HEADER.pack(_END, total, 0, 0))
        out.flush()
    except BrokenPipeError:
        pass  # the parent stopped reading: it is ending the run
    except BaseException as error:
        with contextlib.suppress(BaseException):
            out.write(_failure(error))
            out.flush()
    os._exit(0)


def _become_worker(parent: int, others: Sequence[Any]) -> None:
    """Ctrl-C and SIGTERM are the parent's to handle (it stops the workers), so a worker neither
    dies of them nor prints a traceback. A worker must not outlive its parent: killed with it
    (where the system offers that) or on noticing it is gone, and holding neither the output
    nor stdin meanwhile, so that whoever reads the output sees its end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for other in others:  # the parent's ends of the other workers' pipes
        with contextlib.suppress(OSError, ValueError):
            os.close(other if isinstance(other, int) else other.fileno())
    _die_with_parent(parent)
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.close(null)


def _own_screener(screener: Screener) -> Screener:
    """A screener with its own engine: a copy of the ruleset compiles its own on first use
    (``Ruleset.engine`` is cached per object; the parent's compiled rules are the parent's)."""
    from screener.screening.pipeline import Screener

    return Screener(dataclasses.replace(screener.ruleset), as_of=screener.as_of)


def _screen_share(job: Job, screener: Screener, items: Iterator[Any], index: int, workers: int, out: BinaryIO) -> int:
    """Screen this worker's chunks of ``items``, sending each as a frame; the number of items."""
    encoder = job.encoder() if job.encoder is not None else None
    headline = screener.ruleset.headline
    entries_before = 0  # entries of the whole output before this item (the JSON array's commas)
    total = 0
    current = -1  # the chunk being gathered
    digests: list[Digest] = []
    parts: list[Any] = []
    for number, item in enumerate(items):
        chunk = number // CHUNK_RECORDS
        if chunk != current and digests:
            _send(out, current, digests, parts, encoder is None)
            digests, parts = [], []
        current, total = chunk, number + 1
        if chunk % workers != index:
            entries_before += not isinstance(item, UnreadableSource)
            continue
        if isinstance(item, UnreadableSource):
            item = said_first(item, screener)  # red flags in the rows of a refused table, said first
            digests.append(("unreadable", item.source, item.message, item.note))
            continue
        entry = job.screen(item, screener, job.detail)
        digests.append(digest(entry, headline, id_made_up(item, entry)))
        parts.append(entry if encoder is None else encoder.entry(entry, entries_before == 0))
        entries_before += 1
    if digests:
        _send(out, current, digests, parts, encoder is None)
    return total


def _send(out: BinaryIO, chunk: int, digests: list[Digest], parts: list[Any], entries: bool) -> None:
    data = pickle.dumps(parts, pickle.HIGHEST_PROTOCOL) if entries else b"".join(parts)
    summary = pickle.dumps(digests, pickle.HIGHEST_PROTOCOL)
    out.write(_HEADER.pack(_CHUNK, chunk, len(summary), len(data)))
    out.write(summary)
    out.write(data)
    out.flush()


def _failure(error: BaseException) -> bytes:
    try:
        data = pickle.dumps(error, pickle.HIGHEST_PROTOCOL)
        pickle.loads(data)
    except Exception:
        data = pickle.dumps(EngineError(f"a worker process failed: {type(error).__name__}: {error}"))
    return _HEADER.pack(_FAILED, 0, 0, len(data)) + data


def _die_with_parent(parent: int) -> None:
    """Be killed when the parent process dies (Linux: PR_SET_PDEATHSIG), and watch for it
    elsewhere; if the parent is already gone, leave now."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(1)

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    if os.getppid() != parent:
        os._exit(1)
