"""The command line: thin verbs over the library, text for people, ``--json`` for programs.

Commands are run through click's ``CliRunner``, and as a real process
(``python -m museumxtd_search``) where exit codes and tracebacks matter.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from museumxtd_search import __version__
from museumxtd_search.cli import _exit_code, cli
from museumxtd_search.index import generations, lock

ANSI = "\x1b["
RESEAUX = "Notes/Réseaux sociaux et musées.md"


@pytest.fixture
def invoke():
    runner = CliRunner()

    def run(*args: str, **options):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, **options)

    return run


@pytest.fixture
def query(invoke, bundled_notes, bundled_index):
    """``query`` over the bundled notes and their session index."""

    def run(*args: str, **options):
        return invoke("query", "--notes", bundled_notes, "--index", bundled_index, *args,
                      **options)

    return run


def test_version(invoke):
    result = invoke("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout


# --- query: text for people ----------------------------------------------------------


def test_query_prints_rank_title_path_and_snippet(query):
    result = query("engagement")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert re.match(r"\d+ result\(s\) for « engagement »", lines[0])
    first = lines.index(" 1. Réseaux sociaux et musées")
    assert lines[first + 1].strip().startswith(RESEAUX)
    assert "§ Mesurer l’engagement" in lines[first + 1]
    assert "engagement" in lines[first + 2]
    assert re.search(r"^ 2\. \S", result.stdout, re.MULTILINE)


def test_query_words_may_be_given_as_several_arguments(query):
    assert query("réseaux", "sociaux").stdout == query("réseaux sociaux").stdout


def test_query_shows_the_corrected_query(query):
    result = query("stratgie")
    assert "showing results for « stratégie »" in result.stdout
    assert " 1. Stratégie numérique" in result.stdout


def test_query_without_results_says_so(query):
    result = query("zzzzqqqq")
    assert result.exit_code == 0
    assert "no results for « zzzzqqqq »" in result.stdout


def test_query_warnings_go_to_stderr(query):
    result = query('"réseaux sociaux')
    assert result.exit_code == 0
    assert "warning: unbalanced quote" in result.stderr
    assert "warning" not in result.stdout


def test_limit_option(query):
    result = query("--limit", "2", "--json", "musée")
    assert len(json.loads(result.stdout)["results"]) == 2


def test_tag_and_links_to_options(query):
    tagged = json.loads(query("--tag", "guide", "--json").stdout)
    assert tagged["total"] == 5
    linking = json.loads(query("--links-to", "Stratégie digitale", "--json", "réseaux").stdout)
    assert linking["results"][0]["path"] == RESEAUX


def test_filters_alone_are_named_where_the_query_would_be(query):
    result = query("--links-to", "Stratégie numérique", "--tag", "numérique")
    assert re.search(r"^\d+ result\(s\) for « tag:numérique links to Stratégie numérique »$",
                     result.stdout, re.MULTILINE), result.stdout


def test_minus_word_excludes_without_a_double_dash(query):
    result = query("réseaux", "-instagram")
    assert result.exit_code == 0
    assert RESEAUX not in result.stdout


def test_minus_word_after_double_dash_excludes(query):
    result = query("--", "réseaux", "-instagram")
    assert result.exit_code == 0
    assert RESEAUX not in result.stdout


# --- query: JSON for programs --------------------------------------------------------


def test_query_json_is_exactly_one_object(query):
    result = query("--json", "réseaux sociaux")
    assert result.exit_code == 0
    data = json.loads(result.stdout)  # fails on any extra output
    assert {"query", "total", "suggestion", "results"} <= set(data)
    assert data["query"] == "réseaux sociaux"
    assert data["suggestion"] is None
    assert data["total"] >= len(data["results"]) > 0
    for hit in data["results"]:
        assert {"path", "title", "score", "tags", "snippet"} <= set(hit)
        assert isinstance(hit["score"], (int, float)) and isinstance(hit["tags"], list)
    assert data["results"][0]["path"] == RESEAUX


def test_query_json_paths_are_relative_with_forward_slashes(query, bundled_notes):
    data = json.loads(query("--json", "--limit", "50", "musée").stdout)
    for hit in data["results"]:
        assert not hit["path"].startswith("/") and "\\" not in hit["path"]
        assert (bundled_notes / hit["path"]).is_file()
    assert any("/" in hit["path"] for hit in data["results"])


def test_query_json_reports_the_suggestion(query):
    assert json.loads(query("--json", "strat").stdout)["suggestion"] == "strat*"


# --- query: bad usage ----------------------------------------------------------------


def test_empty_query_exits_2(query):
    result = query()
    assert result.exit_code == 2
    assert "empty query" in result.stderr


def test_empty_query_exits_2_as_a_process(run_museumxtd, bundled_notes, bundled_index):
    result = run_museumxtd("query", "--notes", str(bundled_notes), "--index", str(bundled_index))
    assert result.returncode == 2
    [message] = result.stderr.strip().splitlines()
    assert message.startswith("Error: empty query")
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("command", ["query", "index", "links"])
def test_missing_notes_folder_exits_2_with_one_line_and_no_traceback(run_museumxtd, tmp_path,
                                                                   command):
    missing = tmp_path / "absent"
    words = ["musée"] if command == "query" else []
    result = run_museumxtd(command, "--notes", str(missing), *words,
                           *(["--index", str(tmp_path / "index")] if command != "links" else []))
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [f"Error: notes folder not found: {missing}"]
    assert not (tmp_path / "index").exists()


# --- query builds or refreshes the index, and says so --------------------------------


def test_query_on_a_garden_without_index_builds_it_and_says_so(invoke, make_vault, tmp_path):
    garden = make_vault({"Notes/Archivage.md": "# Archivage\nLa règle ornithorynque."})
    index_dir = tmp_path / "index"
    result = invoke("query", "--notes", garden, "--index", index_dir, "ornithorynque")
    assert result.exit_code == 0
    assert "building the index" in result.stderr
    assert "indexed 1 notes" in result.stderr
    assert " 1. Archivage" in result.stdout
    assert generations.live_generation(index_dir) is not None

    again = invoke("query", "--notes", garden, "--index", index_dir, "ornithorynque")
    assert again.stderr == ""


def test_query_refreshes_an_index_older_than_the_notes(invoke, make_vault, tmp_path):
    garden = make_vault({"a.md": "ornithorynque", "b.md": "tamanoir"})
    index_dir = tmp_path / "index"
    invoke("index", "--notes", garden, "--index", index_dir)
    make_vault({"b.md": "tamanoir et pangolin"})
    result = invoke("query", "--notes", garden, "--index", index_dir, "--json", "pangolin")
    assert "updating the index: 1 note(s) changed" in result.stderr
    assert [hit["path"] for hit in json.loads(result.stdout)["results"]] == ["b.md"]


def test_an_index_remembers_the_notes_and_exclusions_it_was_built_from(
        invoke, make_vault, tmp_path, monkeypatch):
    garden = make_vault({"a.md": "ornithorynque", "brouillons/b.md": "ornithorynque"},
                        name="jardin")
    index_dir = tmp_path / "index"
    invoke("index", "--notes", garden, "--index", index_dir, "--exclude", "brouillons/**")
    elsewhere = make_vault({"c.md": "ornithorynque"}, name="ailleurs/notes").parent
    monkeypatch.chdir(elsewhere)  # its own notes/ must not replace the indexed garden

    result = invoke("query", "--index", index_dir, "--json", "ornithorynque")
    assert result.stderr == ""  # fresh: nothing rebuilt
    assert [hit["path"] for hit in json.loads(result.stdout)["results"]] == ["a.md"]
    assert invoke("check", "--index", index_dir).exit_code == 0
    update = invoke("index", "--index", index_dir).stdout
    assert update.startswith("indexed 1 notes (incremental): 0 added, 0 updated, 0 removed")


def test_notes_given_on_the_command_line_win_over_those_the_index_remembers(
        invoke, make_vault, tmp_path):
    first = make_vault({"a.md": "ornithorynque"}, name="premier")
    second = make_vault({"b.md": "ornithorynque"}, name="second")
    index_dir = tmp_path / "index"
    invoke("index", "--notes", first, "--index", index_dir)
    result = invoke("query", "--notes", second, "--index", index_dir, "--json", "ornithorynque")
    assert [hit["path"] for hit in json.loads(result.stdout)["results"]] == ["b.md"]


def test_an_index_whose_notes_are_gone_falls_back_to_the_notes_folder(
        invoke, make_vault, tmp_path, monkeypatch):
    import shutil

    garden = make_vault({"a.md": "ornithorynque"}, name="jardin")
    index_dir = tmp_path / "index"
    invoke("index", "--notes", garden, "--index", index_dir)
    shutil.rmtree(garden)
    monkeypatch.chdir(tmp_path)
    result = invoke("query", "--index", index_dir, "ornithorynque")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: notes folder not found: notes"


def test_query_answers_from_the_previous_index_while_another_build_runs(invoke, make_vault,
                                                                        tmp_path):
    garden = make_vault({"a.md": "ornithorynque"})
    index_dir = tmp_path / "index"
    invoke("index", "--notes", garden, "--index", index_dir)
    make_vault({"b.md": "pangolin"})
    with lock.writer_lock(index_dir):
        result = invoke("query", "--notes", garden, "--index", index_dir, "ornithorynque")
    assert result.exit_code == 0
    assert "answering from the previous index" in result.stderr
    assert " 1. a" in result.stdout


# --- colour --------------------------------------------------------------------------


def test_terminal_output_is_coloured_by_default(query):
    assert ANSI in query("engagement", color=True, env={"NO_COLOR": None}).stdout


def test_no_color_turns_colour_off_even_on_a_terminal(query):
    result = query("engagement", color=True, env={"NO_COLOR": "1"})
    assert ANSI not in result.stdout + result.stderr
    assert " 1. Réseaux sociaux et musées" in result.stdout


def test_piped_output_has_no_colour(run_museumxtd, bundled_notes, bundled_index):
    result = run_museumxtd("query", "--notes", str(bundled_notes), "--index",
                           str(bundled_index), "engagement")
    assert result.returncode == 0
    assert " 1. Réseaux sociaux et musées" in result.stdout
    assert ANSI not in result.stdout + result.stderr


# --- index ---------------------------------------------------------------------------


def test_index_prints_a_summary_and_warnings(invoke, make_vault, tmp_path):
    garden = make_vault({"a.md": "texte", "vide.md": ""})
    result = invoke("index", "--notes", garden, "--index", tmp_path / "index")
    assert result.exit_code == 0
    assert result.stdout.startswith("indexed 2 notes (full rebuild): 2 added")
    assert "warning: vide.md:1: empty note" in result.stderr


def test_index_json_and_full(invoke, make_vault, tmp_path):
    garden = make_vault({"a.md": "texte", "b.md": "autre"})
    index_dir = tmp_path / "index"
    invoke("index", "--notes", garden, "--index", index_dir)
    incremental = json.loads(invoke("index", "--notes", garden, "--index", index_dir,
                                    "--json").stdout)
    assert (incremental["full"], incremental["added"], incremental["unchanged"]) == (False, 0, 2)
    full = json.loads(invoke("index", "--notes", garden, "--index", index_dir, "--full",
                             "--json").stdout)
    assert (full["full"], full["added"], full["notes"]) == (True, 2, 2)


def test_index_exits_0_as_a_process(run_museumxtd, make_vault, tmp_path):
    garden = make_vault({"a.md": "texte"})
    result = run_museumxtd("index", "--notes", str(garden), "--index", str(tmp_path / "ix"))
    assert result.returncode == 0
    assert "indexed 1 notes" in result.stdout


# --- the process ends without tearing Python down, and loses nothing -----------------


def test_a_process_prints_its_whole_answer_and_runs_exit_handlers(run_museumxtd, bundled_notes,
                                                                  bundled_index):
    """``console`` ends with ``os._exit``: the piped output is flushed and the exit
    handlers still run first."""
    program = ("import atexit, sys\n"
               "atexit.register(lambda: print('exit handlers ran', file=sys.stderr))\n"
               "from museumxtd_search.cli import console\n"
               "sys.argv = ['museumxtd-search'] + sys.argv[1:]\n"
               "console()\n")
    result = run_museumxtd("query", "--notes", str(bundled_notes), "--index", str(bundled_index),
                           "--json", "--limit", "10000", "musée", program=program)
    assert result.returncode == 0
    assert json.loads(result.stdout)["results"]
    assert "exit handlers ran" in result.stderr


def test_a_profiled_process_still_writes_its_profile(run_museumxtd, bundled_notes, bundled_index,
                                                     tmp_path):
    """Profilers (and coverage) write their results after the program returns: under
    one the command exits the ordinary way."""
    profile = tmp_path / "query.prof"
    program = ("import cProfile, sys\n"
               "sys.argv = ['museumxtd-search'] + sys.argv[1:]\n"
               "cProfile.run('from museumxtd_search.cli import console; console()', "
               f"{str(profile)!r})\n")
    result = run_museumxtd("query", "--notes", str(bundled_notes), "--index",
                           str(bundled_index), "musée", program=program)
    assert result.returncode == 0, result.stderr
    assert profile.stat().st_size > 0


def test_a_process_keeps_the_exit_code_of_a_failed_command(run_museumxtd, tmp_path):
    result = run_museumxtd("links", "--notes", str(tmp_path / "absent"))
    assert result.returncode == 2


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (1, 1), (2, 2), ("why", 1)])
def test_exit_status_is_what_sys_exit_would_give(code, status, capsys):
    assert _exit_code(code) == status
    assert capsys.readouterr().err == ("why\n" if code == "why" else "")


# --- links ---------------------------------------------------------------------------


def test_links_broken_lists_missing_targets(invoke, bundled_notes):
    result = invoke("links", "--notes", bundled_notes, "--broken")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines and all(line.endswith("-> BROKEN") for line in lines)
    assert any(re.fullmatch(r"Notes/Stratégie numérique\.md:\d+: "
                            r"\[\[Plan de transformation 2025\]\] -> BROKEN", line)
               for line in lines)
    assert re.search(rf"{len(lines)} reference\(s\), {len(lines)} leading nowhere", result.stderr)


def test_links_lists_resolved_targets(invoke, make_vault):
    garden = make_vault({"a.md": "[[Cible|voir]] et [[Absente]]", "Dossier/Cible.md": "x"})
    result = invoke("links", "--notes", garden)
    assert result.stdout.splitlines() == ["a.md:1: [[Cible]] -> Dossier/Cible.md",
                                          "a.md:1: [[Absente]] -> BROKEN"]


def test_links_json(invoke, make_vault):
    garden = make_vault({"a.md": "---\ntitle: A\n---\n[[Cible#Partie|voir]]\n![[logo.png]]",
                         "Cible.md": "x"})
    data = json.loads(invoke("links", "--notes", garden, "--json").stdout)
    assert data["broken"] == 1
    assert data["links"] == [
        {"source": "a.md", "line": 4, "target": "Cible", "heading": "Partie", "label": "voir",
         "embed": False, "kind": "wikilink", "resolved": "Cible.md", "problem": None},
        {"source": "a.md", "line": 5, "target": "logo.png", "heading": None, "label": None,
         "embed": True, "kind": "embed", "resolved": None, "problem": "no such file"},
    ]


def test_links_strict_exits_1_when_a_link_is_broken(run_museumxtd, make_vault):
    garden = make_vault({"a.md": "[[Absente]]"})
    result = run_museumxtd("links", "--notes", str(garden), "--broken", "--strict")
    assert result.returncode == 1
    assert "a.md:1: [[Absente]] -> BROKEN" in result.stdout


def test_links_strict_exits_0_when_every_link_resolves(invoke, make_vault):
    garden = make_vault({"a.md": "[[B]]", "B.md": "[[a]]"})
    assert invoke("links", "--notes", garden, "--strict").exit_code == 0
