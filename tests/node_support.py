"""Run the project's Node scripts (tests/js/) the way the parity tests need."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from museumxtd_search.site.engine_script import SCRIPT_NAME, engine_script
from museumxtd_search.site.templates import template_folders


def run_node_lines(node: str, script: Path, arguments: Sequence[str],
                   lines: Sequence[str]) -> list[str]:
    """Feed ``lines`` to ``node script arguments…`` in one process; one output line each."""
    result = subprocess.run(
        [node, str(script), *arguments],
        input="".join(line + "\n" for line in lines).encode("utf-8"),
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    output = result.stdout.decode("utf-8").split("\n")
    assert output.pop() == "", f"{script.name} output must end with a newline"
    assert len(output) == len(lines)
    return output


@pytest.fixture(scope="module")
def node() -> str:
    """The Node executable; skipped without it, except in CI (``MXS_REQUIRE_BROWSER=1``)."""
    found = shutil.which("node")
    if found is None:
        if os.environ.get("MXS_REQUIRE_BROWSER"):
            pytest.fail("node is required here (MXS_REQUIRE_BROWSER=1)")
        pytest.skip("node is not installed")
    return found


def write_engine(site: Path) -> Path:
    """Write the browser's engine into ``site/static`` as an export does (the joined
    ``search-core.js`` beside ``snowball.js``); return the script's path."""
    static = site / "static"
    static.mkdir(parents=True, exist_ok=True)
    folders = template_folders(None)
    shutil.copyfile(folders[-1] / "static" / "snowball.js", static / "snowball.js")
    script = static / SCRIPT_NAME
    script.write_text(engine_script(folders), encoding="utf-8")
    return script
