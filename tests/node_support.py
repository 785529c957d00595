"""Run the project's Node scripts (tests/js/) the way the parity tests need."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest


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
