"""The GitHub Actions workflow of docs/ci.md: its commands work and fail as it says."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_DOC = REPO_ROOT / "docs" / "ci.md"


def workflow_commands() -> list[list[str]]:
    lines = re.findall(r"^\s*- run: (museumxtd-search .+)$", WORKFLOW_DOC.read_text("utf-8"),
                       re.MULTILINE)
    return [shlex.split(line) for line in lines]


def run(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "museumxtd_search", *arguments[1:]]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"})


def clean_garden(folder: Path) -> None:
    (folder / "notes" / "Guides").mkdir(parents=True)
    (folder / "notes" / "Accueil.md").write_text(
        "# Accueil\n\nVoir [[Évaluer un projet]] et [[Guides/Évaluer un projet#Méthode]].\n",
        encoding="utf-8")
    (folder / "notes" / "Guides" / "Évaluer un projet.md").write_text(
        "---\ntags: [guide]\n---\n# Évaluer un projet\n\n## Méthode\n\nL'évaluation.\n",
        encoding="utf-8")


def test_the_documented_workflow_runs_the_four_commands():
    names = [command[1] for command in workflow_commands()]
    assert names == ["links", "index", "export", "check"]


def test_workflow_commands_pass_on_a_garden_without_broken_links(tmp_path):
    clean_garden(tmp_path)
    for command in workflow_commands():
        result = run(command, tmp_path)
        assert result.returncode == 0, (command, result.stdout, result.stderr)


def test_a_rebuild_of_unchanged_notes_gives_a_byte_identical_site(tmp_path):
    clean_garden(tmp_path)
    for command in workflow_commands():
        run(command, tmp_path)
    first = {p.relative_to(tmp_path / "site"): p.read_bytes()
             for p in (tmp_path / "site").rglob("*") if p.is_file()}
    shutil.rmtree(tmp_path / "site")
    run(["museumxtd-search", "export", "--notes", "notes", "--out", "site"], tmp_path)
    second = {p.relative_to(tmp_path / "site"): p.read_bytes()
              for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert first == second


def test_check_fails_and_names_the_note_after_an_edit(tmp_path):
    clean_garden(tmp_path)
    for command in workflow_commands():
        run(command, tmp_path)
    note = tmp_path / "notes" / "Accueil.md"
    note.write_text(note.read_text("utf-8") + "\nUne ligne de plus.\n", encoding="utf-8")
    result = run(["museumxtd-search", "check", "--notes", "notes", "--index", "index",
                  "--site", "site"], tmp_path)
    assert result.returncode == 1
    assert "changed: Accueil.md" in result.stdout


def test_check_json_twin_says_what_is_stale(tmp_path):
    import json

    clean_garden(tmp_path)
    result = run(["museumxtd-search", "check", "--notes", "notes", "--json"], tmp_path)
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["fresh"] is False
    assert report["checks"][0]["target"] == "index"


def test_links_strict_fails_on_the_bundled_garden_which_has_missing_notes(tmp_path):
    result = run(["museumxtd-search", "links", "--notes", str(REPO_ROOT / "notes"), "--broken",
                  "--strict"], tmp_path)
    assert result.returncode == 1
    assert "BROKEN" in result.stdout


def pre_commit_hooks() -> dict[str, list[str]]:
    """Each hook of ``.pre-commit-hooks.yaml`` with the ``args`` docs/ci.md gives it."""
    import yaml

    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    documented = yaml.safe_load(re.search(r"```yaml\n(repos:.*?)```",
                                          WORKFLOW_DOC.read_text("utf-8"), re.DOTALL).group(1))
    args = {hook["id"]: hook.get("args", []) for hook in documented["repos"][0]["hooks"]}
    return {hook["id"]: [*shlex.split(hook["entry"]), *args[hook["id"]]] for hook in hooks}


def test_the_pre_commit_hooks_pass_on_a_clean_garden_and_fail_on_a_dead_reference(tmp_path):
    clean_garden(tmp_path)
    run(["museumxtd-search", "index", "--notes", "notes", "--index", "index"], tmp_path)
    hooks = pre_commit_hooks()
    assert set(hooks) == {"museumxtd-links", "museumxtd-check"}
    for command in hooks.values():
        result = run(command, tmp_path)
        assert result.returncode == 0, (command, result.stdout, result.stderr)
    (tmp_path / "notes" / "Accueil.md").write_text("![logo](/images/absent.png)\n", "utf-8")
    links = run(hooks["museumxtd-links"], tmp_path)
    assert links.returncode == 1
    assert "Accueil.md:1: image /images/absent.png -> BROKEN" in links.stdout
    assert run(hooks["museumxtd-check"], tmp_path).returncode == 1  # the index is stale


def test_check_calls_an_index_of_another_schema_stale_as_query_would_rebuild_it(tmp_path):
    from museumxtd_search.index import generations, side_files

    clean_garden(tmp_path)
    run(["museumxtd-search", "index", "--notes", "notes", "--index", "index"], tmp_path)
    manifest_path = generations.live_generation(tmp_path / "index") / generations.MANIFEST
    manifest = side_files.read_json(manifest_path)
    manifest["schema"] = side_files.SCHEMA_VERSION - 1  # an index of an older version
    manifest_path.write_bytes(side_files.file_bytes(manifest_path.name, manifest))
    result = run(["museumxtd-search", "check", "--notes", "notes", "--index", "index"],
                 tmp_path)
    assert result.returncode == 1
    assert "another version of museumxtd-search" in result.stdout
    assert "added:" not in result.stdout  # its notes are not ours to compare
