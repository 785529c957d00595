"""Work shared with forked processes: how many to use, and the one way to fork them.

Every stage that can use several cores asks ``processes`` how many processes should
share its work, then runs its workers in a ``ForkedWorkers`` block: parsing notes
(``vault.reading``), a full build (``index.full_build``), rendering note pages
(``site.pages``) and the query command's freshness check (``index.freshness``).

Workers are forked: they start with the parent's memory, so their inputs are never
pickled. Only messages travel, pickled, on one pipe each way per worker; they never
leave this family of processes, so they are trusted like the parent's own memory.
The query command imports this module on every run: it imports nothing heavy (``signal``
and ``select`` only where they are used), and nothing from the package.
"""

from __future__ import annotations

import gc
import os
import pickle
import struct
import sys
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# From how many items of work (notes) each stage forks workers: below, starting them
# costs more than it saves. Tests tune them here. Measured on this project's shared
# 2-core machine, whole processes, alternating the two ways (medians):
FORK_FROM = {
    # Parsing notes, in ``read_vault`` (export, links) or an update reading many notes;
    # workers send the parsed notes back. `read_vault` alone, 9 runs each, one process
    # / two workers, with the machine's other load at ~1.7: 100 notes 249 / 252 ms,
    # 200 344 / 329, 400 566 / 477, 800 774 / 670, 2,000 2,420 / 1,853 ms. At a load
    # of 3 to 4.5 the workers lost at every size up to 2,000 (400 notes 482 / 611 ms).
    "read": 400,
    # A full build, one Whoosh segment per worker. `index --full`, median of 7 to 9
    # (with the earlier workers, which cost more to start): 12 notes 0.36 s in one
    # process, 0.39 s with two workers; 38 notes 0.69 s / 0.62 s; the 199-note corpus
    # 1.25 s / 1.00 s.
    "build": 30,
    # Note pages of an export, rendered by workers while this process writes the client
    # index, then by this process too. The 199-note corpus renders ~0.8 s of Markdown
    # and exports 10-25 % faster with a page worker (measured at 50, 100 and 500 notes,
    # with the earlier workers).
    "render": 100,
    # The query command's freshness check, in notes of the index: the listing's `stat`
    # calls (~0.1 s at 10,000 notes, 0.4 s at 50,000) run in a child while this
    # process imports the search engine and searches. Query process at 10k, median of
    # 8 alternated with the check in the process: 310 -> 272 ms above bare Python
    # (when only the import overlapped it). Below 1,000 notes the listing is quicker
    # than the fork.
    "stale check": 1000,
}
# No stage uses more processes than this; more were never measured.
MOST_PROCESSES = 4
# Chunk numbers the work queue holds: 4 bytes each, all written into a pipe before the
# workers start, so they must fit its smallest default size (16 KiB on macOS).
MOST_CHUNKS = 4096

_in_worker = False  # set in every worker: a worker never forks workers of its own


def processes(stage: str, size: int) -> int:
    """How many processes should share ``size`` items of the work of ``stage`` (a key
    of ``FORK_FROM``): one per core, at most ``MOST_PROCESSES``.

    1 (this process alone) below the stage's ``FORK_FROM``, on one core, without
    ``os.fork``, in a worker, or while other threads run: a child forked from a threaded
    process may inherit a lock that one of them holds, and wait for it forever.
    """
    if size < FORK_FROM[stage] or _in_worker or not hasattr(os, "fork"):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else os.cpu_count() or 1
    if cores < 2 or _other_threads_run():
        return 1
    return min(cores, MOST_PROCESSES)


def _other_threads_run() -> bool:
    try:  # every thread of the process, those started by C libraries too
        return len(os.listdir("/proc/self/task")) > 1
    except OSError:
        threading = sys.modules.get("threading")
        return threading is not None and threading.active_count() > 1


def chunks(count: int, size: int) -> list[range]:
    """``range(count)`` cut into pieces of ``size`` (larger when there would be more
    than ``MOST_CHUNKS``), for a ``ForkedWorkers`` queue."""
    size = max(size, -(-count // MOST_CHUNKS), 1)
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


class WorkerDied(RuntimeError):
    """A worker process ended without an answer (killed, out of memory)."""


class WorkerTraceback(Exception):
    """Where a worker's exception was raised: the ``__cause__`` of that exception when
    the parent raises it."""

    def __str__(self) -> str:
        return f"in a worker process:\n{self.args[0]}"


_ANSWER, _RESULT, _REPORT, _ERROR = range(4)  # kinds of message a worker sends
_LENGTH = struct.Struct("<Q")  # each message is its length, then its pickle


class _Queue:
    """Chunk numbers ``0 .. count - 1``, written into a pipe whose writing end is then
    closed: a process takes one by reading 4 bytes, and reading nothing means none is
    left. The kernel reads a pipe under its lock, so each read takes whole numbers and
    no number is taken twice."""

    def __init__(self, count: int) -> None:
        if count > MOST_CHUNKS:
            raise ValueError(f"{count} chunks: a work queue holds at most {MOST_CHUNKS}")
        self._read, write = os.pipe()
        try:
            _write_all(write, b"".join(n.to_bytes(4, "little") for n in range(count)))
        finally:
            os.close(write)

    def take(self) -> int | None:
        taken = os.read(self._read, 4)
        return int.from_bytes(taken, "little") if taken else None

    def empty(self) -> None:
        while os.read(self._read, 4096):  # a multiple of 4: whole numbers stay for others
            pass

    def close(self) -> None:
        os.close(self._read)


class Worker:
    """A worker's side of ``ForkedWorkers``: given to the body in the worker process."""

    def __init__(self, number: int, receiving: int, sending: int, queue: _Queue | None) -> None:
        self.number = number
        self._receiving = receiving
        self._sending = sending
        self._queue = queue

    def send(self, value: object) -> None:
        """Answer this round: ``value`` is this worker's item in the parent's ``gather``."""
        self._send(_ANSWER, value)

    def report(self, value: object) -> None:
        """Pass ``value`` on to the parent's ``gather(on_report)`` as soon as it reads it
        (progress, or results the parent may take as they come)."""
        self._send(_REPORT, value)

    def receive(self) -> object:
        """The parent's next ``send_all`` message (waits for it)."""
        size = _LENGTH.unpack(self._read_exactly(_LENGTH.size))[0]
        return pickle.loads(self._read_exactly(size))

    def take(self) -> int | None:
        """The number of a chunk of work nobody took yet, or ``None`` when all are taken."""
        assert self._queue is not None, "ForkedWorkers was started without chunks"
        return self._queue.take()

    def _send(self, kind: int, value: object) -> None:
        data = pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(self._sending, _LENGTH.pack(len(data)) + data)

    def _read_exactly(self, size: int) -> bytes:
        parts, missing = [], size
        while missing:
            part = os.read(self._receiving, min(missing, 1 << 20))
            if not part:
                raise EOFError("the parent process is gone")
            parts.append(part)
            missing -= len(part)
        return b"".join(parts)


Body = Callable[[Worker], object]


class _Child:
    """The parent's side of one worker: its process, pipe ends, and what it sent."""

    def __init__(self, pid: int, reading: int, writing: int) -> None:
        self.pid = pid
        self.reading = reading
        self.writing = writing
        self.received = bytearray()
        self.answers: deque[object] = deque()
        self.finished = False  # its body returned: it is exiting on its own
        self.reaped = False


class ForkedWorkers:
    """``count`` forked processes that each run ``body(worker)`` with what the parent
    held when the block started, and exchange messages with the parent in rounds.

    In a worker, ``worker.send`` answers a round and ``worker.receive`` waits for the
    parent's ``send_all``; what ``body`` returns is its last answer. ``worker.report``
    reaches the parent's ``gather(on_report)`` at once. With ``chunks``, the workers and
    the parent ``take`` chunk numbers from one queue, each number exactly once.

    A worker's exception (or its death: ``WorkerDied``) is raised by the parent's
    ``gather``; it also empties the queue, so the others stop taking work. When the
    block ends, normally or not, workers still running are killed and every worker is
    waited for, so none writes anything afterwards. Workers ignore Ctrl-C (the parent
    gets it and ends them), end when the parent dies, and never fork workers of their
    own. Blocks do not nest. ``count`` may be 0: the parent alone takes every chunk.
    Where a block cannot hold the workers' life, ``start`` and ``close`` do the same.
    """

    def __init__(self, count: int, body: Body, chunks: int = 0) -> None:
        self._count = count
        self._body = body
        self._chunks = chunks
        self._queue: _Queue | None = None
        self._children: list[_Child] = []
        self._frozen = False
        self._started = False

    def __enter__(self) -> ForkedWorkers:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Fork the workers (and fill the queue)."""
        if self._started:
            raise RuntimeError("these workers were started already")
        self._started = True
        if self._chunks:
            self._queue = _Queue(self._chunks)
        if self._count:
            # What the parent holds now is left alone by the collector (in the workers
            # it would copy every page it touches) until the block ends.
            gc.freeze()
            self._frozen = True
        try:
            for number in range(self._count):
                self._children.append(self._fork(number))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Kill the workers still running, wait for all, and release what they shared."""
        for child in self._children:
            if not child.reaped:
                if not child.finished:
                    import signal  # here: the query command's check never kills

                    os.kill(child.pid, signal.SIGKILL)
                os.waitpid(child.pid, 0)
                child.reaped = True
            for end in (child.reading, child.writing):
                os.close(end)
        self._children = []
        if self._frozen:
            gc.unfreeze()
            self._frozen = False
        if self._queue is not None:
            self._queue.close()
            self._queue = None

    def take(self) -> int | None:
        """The number of a chunk of work nobody took yet, or ``None`` when all are taken."""
        assert self._queue is not None, "ForkedWorkers was started without chunks"
        return self._queue.take()

    def gather(self, on_report: Callable[[object], None] | None = None) -> list[object]:
        """The next answer of every worker, in worker order; meanwhile ``on_report``
        receives each report as it arrives. Raises a worker's exception, or
        ``WorkerDied``."""
        waiting = {child.reading: child for child in self._children if not child.answers}
        while waiting:
            for end in _readable(list(waiting)):
                self._read(waiting[end], on_report)
                if waiting[end].answers:
                    del waiting[end]
        return [child.answers.popleft() for child in self._children]

    def send_all(self, value: object) -> None:
        """Send ``value`` (pickled once) to every worker's ``receive``."""
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        message = _LENGTH.pack(len(data)) + data
        for child in self._children:
            try:
                _write_all(child.writing, message)
            except BrokenPipeError:
                self._died(child)

    def _fork(self, number: int) -> _Child:
        global _in_worker
        from_worker, to_parent = os.pipe()
        from_parent, to_worker = os.pipe()
        parent = os.getpid()
        try:
            pid = os.fork()
        except BaseException:
            for end in (from_worker, to_parent, from_parent, to_worker):
                os.close(end)
            raise
        if pid == 0:
            code = 1
            try:
                _in_worker = True
                for child in self._children:  # other workers' pipes are not this one's
                    os.close(child.reading)
                    os.close(child.writing)
                os.close(from_worker)
                os.close(to_worker)
                code = _work(self._body, Worker(number, from_parent, to_parent, self._queue),
                             self._queue, parent)
            finally:
                os._exit(code)  # never return into the parent's code
        os.close(to_parent)
        os.close(from_parent)
        return _Child(pid, from_worker, to_worker)

    def _read(self, child: _Child, on_report: Callable[[object], None] | None) -> None:
        """Read what ``child`` sent, and act on each whole message."""
        data = os.read(child.reading, 1 << 16)
        if not data:
            if not child.answers:
                self._died(child)
            return
        received = child.received
        received += data
        while len(received) >= _LENGTH.size:
            end = _LENGTH.size + _LENGTH.unpack_from(received)[0]
            if len(received) < end:
                break
            kind, value = pickle.loads(received[_LENGTH.size:end])
            del received[:end]
            if kind == _REPORT:
                if on_report is not None:
                    on_report(value)
            elif kind == _ERROR:
                error, where = value
                raise error from WorkerTraceback(where)
            else:
                child.answers.append(value)
                child.finished = kind == _RESULT

    def _died(self, child: _Child) -> None:
        _, status = os.waitpid(child.pid, 0)
        child.reaped = True
        raise WorkerDied(f"a worker process died (exit code {os.waitstatus_to_exitcode(status)})")


def _work(body: Body, worker: Worker, queue: _Queue | None, parent: int) -> int:
    """Run ``body`` in a new worker; its exit code."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent ends the workers
    _exit_with(parent)
    try:
        worker._send(_RESULT, body(worker))
        return 0
    except BaseException as error:  # noqa: BLE001 - raised again by the parent
        if queue is not None:
            queue.empty()  # the work fails: the others need not go on
        worker._send(_ERROR, _sendable(error))
        return 1


def _sendable(error: BaseException) -> tuple[BaseException, str]:
    """``error`` (a ``RuntimeError`` saying what it was when it cannot travel) and its
    traceback."""
    import traceback

    where = "".join(traceback.format_exception(error))
    try:
        pickle.loads(pickle.dumps(error))
    except Exception as unsendable:  # noqa: BLE001 - e.g. arguments that do not pickle
        error = RuntimeError(f"{type(error).__name__}: {error} ({unsendable})")
    return error, where


def _exit_with(parent: int) -> None:
    """End this worker at once when process ``parent`` is gone: a worker waiting on a
    pipe would wait forever, and one at work would go on writing (an index generation,
    a site) that the next run removes."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _readable(ends: list[int]) -> list[int]:
    """Those of ``ends`` that can be read without waiting, once one can. A single one
    is returned as it is: reading it waits (and the query command's check needs no
    ``select``)."""
    if len(ends) == 1:
        return ends
    import select

    poller = select.poll()
    for end in ends:
        poller.register(end, select.POLLIN)
    return [end for end, _ in poller.poll()]


def _write_all(end: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(end, view):]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for the block. Nested pauses resume the collector
    only when the outermost ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
