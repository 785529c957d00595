"""Shared fixtures: tiny gardens written in ``tmp_path``, one index of the bundled notes
for the whole session, and the real MuseumXTD corpus (tests using it skip when absent).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from browser_support import browser, page  # noqa: F401 - the shared Chromium fixtures
from node_support import node  # noqa: F401 - the shared Node fixture

from museumxtd_search.index.build import BuildSummary, build_index
from museumxtd_search.index.searcher import GardenSearcher
from museumxtd_search.vault.reading import Vault, read_vault

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_NOTES = REPO_ROOT / "notes"
CORPUS_DIR = REPO_ROOT.parent / "shared/corpus/museumxtd"

MakeVault = Callable[..., Path]


@pytest.fixture
def make_vault(tmp_path: Path) -> MakeVault:
    """Write a tiny garden: ``make_vault({"Notes/A.md": "text", "img.png": b"..."})``.

    Text is written as UTF-8 exactly as given, bytes as they are. Calling it again with
    the same ``name`` adds or overwrites files in the same garden (to change it between
    two builds). Returns the garden's folder.
    """

    def make(files: Mapping[str, str | bytes], name: str = "notes") -> Path:
        root = tmp_path / name
        root.mkdir(parents=True, exist_ok=True)
        for relative, content in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_bytes(content.encode("utf-8"))
        return root

    return make


@pytest.fixture(scope="session")
def bundled_notes() -> Path:
    return BUNDLED_NOTES


@pytest.fixture(scope="session")
def bundled_vault() -> Vault:
    return read_vault(BUNDLED_NOTES)


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The index of the bundled notes, built once; tests must only read it."""
    index_dir = tmp_path_factory.mktemp("bundled") / "index"
    build_index(BUNDLED_NOTES, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def searcher(bundled_index: Path):
    with GardenSearcher(bundled_index) as opened:
        yield opened


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The real MuseumXTD garden (read-only), or a skip when ``../shared`` is absent."""
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"real corpus not found at {CORPUS_DIR}")
    return CORPUS_DIR


@pytest.fixture(scope="session")
def corpus_build(corpus_dir: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildSummary, Path]:
    """One full build of the real corpus: (its summary, the index folder)."""
    index_dir = tmp_path_factory.mktemp("corpus") / "index"
    summary = build_index(corpus_dir, index_dir, full=True)
    return summary, index_dir


@pytest.fixture(scope="session")
def run_museumxtd() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m museumxtd_search ARGS`` as a person would, output piped (or, given
    ``program``, ``python -c PROGRAM ARGS``)."""

    def run(*args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 60, program: str | None = None) -> subprocess.CompletedProcess[str]:
        start = ["-c", program] if program is not None else ["-m", "museumxtd_search"]
        return subprocess.run(
            [sys.executable, *start, *args],
            capture_output=True, text=True, encoding="utf-8", timeout=timeout,
            env=module_env(env), cwd=cwd or REPO_ROOT,
        )

    return run


def module_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child ``python -m museumxtd_search``: finds this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT),
                                                      env.get("PYTHONPATH", "")]))
    env.pop("NO_COLOR", None)
    env.update(extra or {})
    return env


@pytest.fixture(scope="session")
def child_env() -> Callable[..., dict[str, str]]:
    return module_env


@pytest.fixture
def stale_check_forks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The query command's freshness check runs in a forked child from 1,000 notes: from
    0 here (skipped where it never forks: one core, no fork, other threads)."""
    from museumxtd_search import parallel

    monkeypatch.setitem(parallel.FORK_FROM, "stale check", 0)
    if parallel.processes("stale check", 0) == 1:
        pytest.skip("the check forks only on a single-threaded process with two cores")
