"""Measure one child process: wall-clock seconds and peak resident memory.

``resource.getrusage(RUSAGE_CHILDREN)`` reports the maximum over *all* children ever
waited for, so a delta between two calls says nothing about the second child. Each
run is therefore measured on its own: through GNU ``/usr/bin/time -f '%e %M'`` when
present, else with ``os.wait4``, which returns the rusage of exactly that child.
Seconds always come from ``time.perf_counter`` around the run (``%e`` has only 10 ms
resolution); the few hundred microseconds ``/usr/bin/time`` adds are the same for
``python -c pass``, so they cancel in "query minus bare Python".
"""

from __future__ import annotations

import gzip
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

GNU_TIME = Path("/usr/bin/time")


class ProcessFailedError(RuntimeError):
    """A measured command exited with a non-zero status."""


@dataclass(frozen=True)
class ProcessRun:
    """One measured run: wall seconds, CPU seconds, peak RSS in KiB, and what it printed.

    CPU seconds (user + system, the process and every child it waited for) show what
    parallel workers add and move less than wall time when the machine is busy.
    """

    seconds: float
    cpu_seconds: float
    peak_rss_kib: int
    stdout: str


def _uses_gnu_time() -> bool:
    return GNU_TIME.is_file() and os.access(GNU_TIME, os.X_OK)


def run_measured(argv: Sequence[str], cwd: Path | None = None,
                 env: Mapping[str, str] | None = None,
                 success: tuple[int, ...] = (0,)) -> ProcessRun:
    """Run ``argv`` to completion; raise ``ProcessFailedError`` (with stderr) when it
    exits with a status not in ``success`` (``rg`` exits with 1 when nothing matches)."""
    with tempfile.TemporaryDirectory(prefix="mxs-measure-") as scratch:
        out_path, err_path = Path(scratch, "stdout"), Path(scratch, "stderr")
        time_path = Path(scratch, "time")
        command = list(argv)
        if _uses_gnu_time():
            command = [str(GNU_TIME), "-f", "%e %M", "-o", str(time_path), *command]
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            started = time.perf_counter()
            process = subprocess.Popen(command, cwd=cwd, env=dict(env) if env else None,
                                       stdin=subprocess.DEVNULL, stdout=out, stderr=err)
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout = out_path.read_text(encoding="utf-8", errors="replace")
        if process.returncode not in success:
            tail = err_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise ProcessFailedError(
                f"{' '.join(argv)} exited with {process.returncode}:\n{tail}")
        if time_path.is_file():
            # "%e %M" is the last line (GNU time writes "Command exited…" above on error).
            peak = int(time_path.read_text().strip().splitlines()[-1].split()[1])
        else:
            peak = usage.ru_maxrss  # KiB on Linux
        return ProcessRun(seconds, usage.ru_utime + usage.ru_stime, peak, stdout)


def code_version() -> str:
    """The commit measured, marked when the package had uncommitted changes."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=Path(__file__).resolve().parents[1],
                              capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    dirty = git("status", "--porcelain", "--", "museumxtd_search", "site_templates")
    return commit + (" + uncommitted changes" if dirty else "")


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def percentile(values: Iterable[float], fraction: float) -> float:
    """The ``fraction`` quantile by linear interpolation (``0.95`` for p95)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def gzip_size(data: bytes) -> int:
    """Bytes of ``data`` gzipped at level 6 (what a web server's default sends)."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def sent_size(data: bytes) -> int:
    """What a host with compression sends: gzip, unless the file is already compressed."""
    return min(len(data), gzip_size(data))


@dataclass(frozen=True)
class FolderSize:
    files: int
    raw: int
    gzip: int


def folder_size(folder: Path) -> FolderSize:
    """Files under ``folder``, their bytes, and the sum of each file's ``sent_size``."""
    files = raw = compressed = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        files += 1
        raw += len(data)
        compressed += sent_size(data)
    return FolderSize(files, raw, compressed)
