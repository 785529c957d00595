"""Worker processes that never outlive the process that started them.

Parsing, indexing and page rendering use forked workers on large gardens. A worker
waits on a queue or pipe it also holds open, so after its parent is SIGKILLed it
would otherwise wait forever (and, for a build, keep files of a dead generation open).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import Any


def exit_with_parent(parent: int) -> None:
    """Pool initializer: end this worker (at once) when process ``parent`` is gone."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class WorkerDied(RuntimeError):
    """A worker process ended without an answer (killed, out of memory)."""


class Channel:
    """A worker's end of its pipe: what it sends arrives in ``ForkedWorkers.gather``."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def send(self, value: object) -> None:
        self._connection.send((True, value))

    def receive(self) -> Any:
        return self._connection.recv()


Body = Callable[[Channel], None]


class ForkedWorkers:
    """Forked processes, one per ``body``, that hold what the parent held when they
    started (no pickling of inputs) and exchange messages with it in rounds.

    A body's exception (or its death) is raised by the parent's next ``gather``; when
    the ``with`` block ends, normally or not, every worker still alive is killed.
    Workers ignore Ctrl-C (the parent handles it) and die with the parent.
    """

    def __init__(self, bodies: Sequence[Body]) -> None:
        self._bodies = bodies
        self._processes: list = []
        self._connections: list[Connection] = []

    def __enter__(self) -> ForkedWorkers:
        context = multiprocessing.get_context("fork")
        parent = os.getpid()
        try:
            for body in self._bodies:
                mine, theirs = context.Pipe(duplex=True)
                process = context.Process(target=_run_body, args=(body, theirs, parent),
                                          daemon=True)
                process.start()
                theirs.close()
                self._processes.append(process)
                self._connections.append(mine)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for process in self._processes:
            if process.is_alive():
                process.kill()
            process.join()
        for connection in self._connections:
            connection.close()

    def gather(self, while_waiting: Callable[[], None] | None = None) -> list[Any]:
        """One message from each worker, in worker order. ``while_waiting`` is called
        about four times a second meanwhile (progress reports)."""
        results: dict[int, Any] = {}
        pending = dict(enumerate(self._connections))
        while pending:
            for connection in wait(list(pending.values()), timeout=0.25):
                number = self._connections.index(connection)
                del pending[number]
                try:
                    ok, value = connection.recv()
                except EOFError:
                    self._processes[number].join()
                    raise WorkerDied(f"a worker process died (exit code "
                                     f"{self._processes[number].exitcode})") from None
                if not ok:
                    raise value
                results[number] = value
            if while_waiting:
                while_waiting()
        return [results[number] for number in range(len(self._connections))]

    def send_each(self, messages: Sequence[object]) -> None:
        """Send ``messages[i]`` to worker ``i``."""
        for connection, message in zip(self._connections, messages, strict=True):
            connection.send(message)


def _run_body(body: Body, connection: Connection, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(parent)
    try:
        body(Channel(connection))
    except BaseException as error:  # noqa: BLE001 - sent to the parent, raised there
        try:
            connection.send((False, error))
        except Exception as unsent:  # noqa: BLE001 - e.g. an exception that cannot pickle
            connection.send((False, RuntimeError(f"{type(error).__name__}: {unsent}")))
    finally:
        connection.close()



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
