"""The real MuseumXTD Eleventy site (``../shared/sites/museumxtd``) given our search the
way docs/existing-site.md tells its owners to: the guide's diffs are applied to a copy
of the site and the command it adds to the site's GitHub Actions build is run, so
the guide shows what works. Used by the real-site test and the benchmark.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE = REPO_ROOT.parent / "shared" / "sites" / "museumxtd"
GUIDE = REPO_ROOT / "docs" / "existing-site.md"
WORKFLOW = ".github/workflows/eleventy_build.yml"
OUTPUT = "docs"  # the site's Eleventy output folder
NPM_TIMEOUT = 600


class GuideError(RuntimeError):
    """The guide's diff does not apply to the real file: the guide is out of date."""


def guide_diffs(text: str) -> dict[str, list[list[str]]]:
    """File -> hunks of each ```diff block of the guide (``+++ b/<file>`` names it)."""
    diffs: dict[str, list[list[str]]] = {}
    for block in re.findall(r"^```diff\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        lines = block.splitlines()
        target = next(line[len("+++ b/"):] for line in lines if line.startswith("+++ b/"))
        hunks: list[list[str]] = []
        for line in lines:
            if line.startswith(("--- ", "+++ ")):
                continue
            if line.startswith("@@"):
                hunks.append([])
            elif hunks:
                hunks[-1].append(line)
        diffs.setdefault(target, []).extend(hunks)
    return diffs


def apply_hunks(text: str, hunks: list[list[str]], name: str) -> str:
    """Apply unified-diff hunks (context `` ``, removed ``-``, added ``+`` lines) to
    ``text``: each hunk's old lines must occur exactly once."""
    lines = text.split("\n")
    for hunk in hunks:
        old = [line[1:] for line in hunk if line[:1] in (" ", "-") or line == ""]
        new = [line[1:] for line in hunk if line[:1] in (" ", "+") or line == ""]
        found = [i for i in range(len(lines) - len(old) + 1) if lines[i:i + len(old)] == old]
        if len(found) != 1:
            raise GuideError(f"{name}: a hunk of the guide matches {len(found)} places")
        lines[found[0]:found[0] + len(old)] = new
    return "\n".join(lines)


def apply_guide(site: Path) -> list[str]:
    """Apply every diff of the guide to the copy ``site``; return the files changed."""
    diffs = guide_diffs(GUIDE.read_text(encoding="utf-8"))
    for name, hunks in diffs.items():
        path = site / name
        path.write_text(apply_hunks(path.read_text(encoding="utf-8"), hunks, name),
                        encoding="utf-8")
    return sorted(diffs)


def guide_commands(site: Path) -> list[list[str]]:
    """The ``museumxtd-search`` lines of the site's workflow (once the guide's diff is in)."""
    text = (site / WORKFLOW).read_text(encoding="utf-8")
    return [shlex.split(line) for line in
            re.findall(r"^\s*(museumxtd-search .+)$", text, re.MULTILINE)]


def copy_site(target: Path) -> Path:
    """A writable copy of the real site (the shared one is read-only)."""
    shutil.copytree(SOURCE, target, ignore=shutil.ignore_patterns("node_modules", OUTPUT))
    for folder, _, files in os.walk(target):
        os.chmod(folder, os.stat(folder).st_mode | stat.S_IWUSR)
        for name in files:
            path = os.path.join(folder, name)
            os.chmod(path, os.stat(path).st_mode | stat.S_IWUSR)
    return target


def npm(site: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``npm ARGUMENTS`` in ``site`` (no audit, no funding notices, no update check), its
    download cache beside the copy of the site rather than in the home folder."""
    env = {**os.environ, "NO_UPDATE_NOTIFIER": "1", "npm_config_audit": "false",
           "npm_config_fund": "false", "npm_config_update_notifier": "false",
           "npm_config_cache": str(site.parent / "npm-cache")}
    return subprocess.run(["npm", *arguments], cwd=site, capture_output=True, text=True,
                          timeout=NPM_TIMEOUT, env=env)


def run_ours(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """A ``museumxtd-search ...`` command line, run with this checkout's package."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "museumxtd_search", *arguments[1:]],
                          cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


def eleventy_url(note_path: str) -> str:
    """Where Eleventy 1.0's default permalinks put a note (the test's own reading of
    them, independent of ours): the path kept; ``index.md`` and a note named like its
    folder are the folder's index."""
    route = note_path[:-3]
    folder, _, name = route.rpartition("/")
    if name == "index" or (folder and folder.rpartition("/")[2] == name):
        return "/" + (folder + "/" if folder else "")
    return "/" + route + "/"
