"""The one helper for parallel work: how many processes a stage uses, and forked workers
that share the parent's memory, answer in rounds, report progress, fail loudly, never
outlive their block or their parent, and share one queue of work chunks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_export_rendering import running

from museumxtd_search import parallel
from museumxtd_search.parallel import ForkedWorkers, WorkerDied, WorkerTraceback

REPO_ROOT = Path(__file__).resolve().parents[1]

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers need fork")
needs_proc = pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs /proc")


def wait_until_gone(pids: list[int], seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(running(pid) for pid in pids):
        time.sleep(0.05)
    return [pid for pid in pids if running(pid)]


# --- how many processes ----------------------------------------------------------------

def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else os.cpu_count() or 1


def test_a_stage_below_its_minimum_runs_in_this_process(monkeypatch):
    monkeypatch.setitem(parallel.FORK_FROM, "build", 50)
    assert parallel.processes("build", 49) == 1
    assert parallel.processes("build", 50) == (min(cores(), parallel.MOST_PROCESSES)
                                               if cores() > 1 and hasattr(os, "fork") else 1)


def test_no_fork_while_another_thread_runs():
    if cores() < 2 or not hasattr(os, "fork"):
        pytest.skip("one core or no fork: never more than one process")
    assert parallel.processes("build", 10**6) > 1
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.processes("build", 10**6) == 1
    finally:
        stop.set()
        thread.join()
    deadline = time.monotonic() + 5  # the system thread ends a moment after the join
    while parallel.processes("build", 10**6) == 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert parallel.processes("build", 10**6) > 1


@needs_fork
def test_a_worker_never_forks_workers_of_its_own():
    with ForkedWorkers(1, lambda worker: parallel.processes("read", 10**6)) as workers:
        assert workers.gather() == [1]


def test_workers_start_once():
    workers = ForkedWorkers(0, lambda worker: None)
    with workers, pytest.raises(RuntimeError, match="started already"), workers:
        pass


def test_chunks_cover_the_work_once_and_stay_few_enough_for_the_queue():
    assert parallel.chunks(7, 3) == [range(0, 3), range(3, 6), range(6, 7)]
    assert parallel.chunks(0, 3) == []
    many = parallel.chunks(10**6, 50)
    assert len(many) <= parallel.MOST_CHUNKS
    assert [n for piece in many for n in piece] == list(range(10**6))


# --- rounds, reports, memory ----------------------------------------------------------

@needs_fork
def test_answers_come_in_worker_order_from_other_processes():
    def body(worker):
        time.sleep(0.05 * (3 - worker.number))  # the last worker answers first
        return worker.number, os.getpid()

    with ForkedWorkers(3, body) as workers:
        answers = workers.gather()
    assert [number for number, _ in answers] == [0, 1, 2]
    assert len({pid for _, pid in answers} | {os.getpid()}) == 4


@needs_fork
def test_workers_see_the_parents_memory_without_pickling_it():
    unpicklable = threading.Lock()  # cannot travel: a worker can only have inherited it
    garden = {"lock": unpicklable, "notes": list(range(1000))}

    def body(worker):
        return garden["lock"].locked(), sum(garden["notes"][worker.number::2])

    with ForkedWorkers(2, body) as workers:
        assert workers.gather() == [(False, sum(range(0, 1000, 2))),
                                    (False, sum(range(1, 1000, 2)))]


@needs_fork
def test_messages_go_back_and_forth_in_rounds():
    def body(worker):
        worker.send(worker.number * 10)
        table = worker.receive()
        return table[worker.number]

    with ForkedWorkers(2, body) as workers:
        first = workers.gather()
        workers.send_all({0: "zéro", 1: "un" * 100_000})  # larger than a pipe holds
        assert workers.gather() == ["zéro", "un" * 100_000]
    assert first == [0, 10]


@needs_fork
def test_reports_arrive_while_the_parent_gathers():
    def body(worker):
        for step in range(5):
            worker.report((worker.number, step))
        return "done"

    reports: list[object] = []
    with ForkedWorkers(2, body) as workers:
        assert workers.gather(reports.append) == ["done", "done"]
    assert sorted(reports) == [(n, step) for n in range(2) for step in range(5)]
    assert [step for n, step in reports if n == 1] == list(range(5))  # each in its order


@needs_fork
def test_a_large_answer_arrives_whole():
    payload = os.urandom(5 << 20)
    with ForkedWorkers(2, lambda worker: payload[worker.number:]) as workers:
        assert workers.gather() == [payload, payload[1:]]


# --- failures -------------------------------------------------------------------------

@needs_fork
def test_an_exception_in_a_worker_is_raised_in_the_parent():
    def body(worker):
        if worker.number == 1:
            raise OSError(28, "No space left on device", "MAIN_x.seg")
        return "ok"

    with pytest.raises(OSError, match="No space left") as raised, ForkedWorkers(2, body) as workers:
        workers.gather()
    assert raised.value.filename == "MAIN_x.seg"
    assert isinstance(raised.value.__cause__, WorkerTraceback)
    assert "in body" in str(raised.value.__cause__)


@needs_fork
def test_an_exception_that_cannot_travel_is_named():
    class Stubborn(Exception):
        def __init__(self, a, b):  # pickle calls it with one argument: it fails
            super().__init__(f"{a} {b}")

    def body(worker):
        raise Stubborn("ne", "bouge")

    with pytest.raises(RuntimeError, match="Stubborn: ne bouge"), ForkedWorkers(1, body) as workers:
        workers.gather()


@needs_fork
@pytest.mark.parametrize(("end", "code"), [(lambda: os._exit(3), 3),
                                           (lambda: os.kill(os.getpid(), signal.SIGKILL), -9)],
                         ids=["exit", "killed by a signal"])
def test_a_worker_that_dies_raises_in_the_parent(end, code):
    def body(worker):
        if worker.number == 0:
            end()
        return "ok"

    with pytest.raises(WorkerDied, match=rf"a worker process died \(exit code {code}\)"), \
            ForkedWorkers(2, body) as workers:
        workers.gather()


@needs_fork
def test_a_worker_that_dies_before_receiving_fails_the_send():
    def body(worker):
        os._exit(5)

    with pytest.raises(WorkerDied, match="exit code 5"), ForkedWorkers(1, body) as workers:
        time.sleep(0.2)
        workers.send_all(b"x" * (1 << 20))  # more than the pipe holds: the write fails


# --- workers end with their block, and with their parent ----------------------------

@needs_fork
@needs_proc
@pytest.mark.parametrize("how", ["normally", "on an error"])
def test_workers_end_when_the_block_ends(how):
    def body(worker):
        worker.send(os.getpid())
        time.sleep(60)

    pids: list[int] = []
    with pytest.raises(KeyboardInterrupt) if how == "on an error" else _no_error():
        with ForkedWorkers(2, body) as workers:
            pids = workers.gather()
            assert all(running(pid) for pid in pids)
            if how == "on an error":
                raise KeyboardInterrupt
    assert [pid for pid in pids if running(pid)] == []


class _no_error:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@needs_fork
@needs_proc
def test_workers_ignore_ctrl_c():
    def body(worker):
        worker.send(os.getpid())
        return worker.receive()

    with ForkedWorkers(1, body) as workers:
        [pid] = workers.gather()
        os.kill(pid, signal.SIGINT)
        time.sleep(0.2)
        assert running(pid)
        workers.send_all("still here")
        assert workers.gather() == ["still here"]


@needs_fork
@needs_proc
def test_workers_die_with_a_sigkilled_parent(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, time\n"
        "from museumxtd_search.parallel import ForkedWorkers\n"
        "def body(worker):\n"
        "    worker.send(os.getpid())\n"
        "    time.sleep(60)\n"  # busy: it does not wait on its pipe
        "with ForkedWorkers(2, body) as workers:\n"
        "    print(*workers.gather(), flush=True)\n"
        "    time.sleep(60)\n", encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    pids = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(pids) == 2 and all(running(pid) for pid in pids)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    parent.stdout.close()
    assert wait_until_gone(pids) == [], "workers outlived their parent"


@needs_fork
@needs_proc
def test_the_workers_of_a_sigkilled_lock_holder_stop_writing_before_the_lock_is_free(tmp_path):
    # A killed build's workers go on for up to 0.2 s (until they see their parent is
    # gone); the next build, which removes their generation, must wait for them.
    from museumxtd_search.index import lock

    script = tmp_path / "holder.py"
    script.write_text(
        "import os, time, pathlib, sys\n"
        "from museumxtd_search.index import lock\n"
        "from museumxtd_search.parallel import ForkedWorkers\n"
        "folder = pathlib.Path(sys.argv[1])\n"
        "def body(worker):\n"
        "    worker.send(os.getpid())\n"
        "    while True:\n"  # writes into the generation until it ends, each write
        "        (folder / 'next').write_text(repr(time.time()))\n"  # whole even if
        "        os.replace(folder / 'next', folder / 'written')\n"  # killed mid-way
        "        time.sleep(0.001)\n"
        "with lock.exclusive(folder / '.lock', 'building'):\n"
        "    with ForkedWorkers(1, body) as workers:\n"
        "        print(*workers.gather(), flush=True)\n"
        "        time.sleep(60)\n", encoding="utf-8")
    holder = subprocess.Popen([sys.executable, str(script), str(tmp_path)],
                              stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    pids = [int(pid) for pid in holder.stdout.readline().split()]
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    with lock.exclusive(tmp_path / ".lock", "building"):
        locked_at = time.time()
        # A worker frees the lock as it exits (its files close before it is a zombie),
        # so it may still be ending here, but it runs no code of its own any more.
        assert wait_until_gone(pids, seconds=5) == [], "a worker still runs under our lock"
    assert float((tmp_path / "written").read_text()) < locked_at


# --- the work queue -------------------------------------------------------------------

@needs_fork
def test_the_queue_hands_out_every_chunk_once_across_processes():
    def take_all(taker) -> list[int]:
        taken = []
        while (number := taker.take()) is not None:
            taken.append(number)
            time.sleep(0.0002)  # some work: everyone gets a turn
        return taken

    with ForkedWorkers(3, take_all, chunks=parallel.MOST_CHUNKS) as workers:
        mine = take_all(workers)
        theirs = workers.gather()
    everyone = mine + [n for taken in theirs for n in taken]
    assert sorted(everyone) == list(range(parallel.MOST_CHUNKS))
    assert all([mine, *theirs]), "a process took no chunk"


def test_without_workers_the_parent_takes_every_chunk():
    with ForkedWorkers(0, lambda worker: None, chunks=5) as workers:
        assert [workers.take() for _ in range(6)] == [0, 1, 2, 3, 4, None]
        assert workers.gather() == []


@needs_fork
def test_an_error_in_a_worker_leaves_no_chunk_for_the_others():
    def body(worker):
        if worker.number == 0:
            worker.take()
            raise ValueError("chunk failed")
        time.sleep(0.5)
        return worker.take()

    with pytest.raises(ValueError, match="chunk failed"), \
            ForkedWorkers(2, body, chunks=100) as workers:
        time.sleep(0.2)
        assert workers.take() is None
        workers.gather()


def test_too_many_chunks_are_refused():
    with pytest.raises(ValueError, match="at most"), \
            ForkedWorkers(0, lambda worker: None, chunks=parallel.MOST_CHUNKS + 1):
        pass
