"""Turn measured figures into docs/BENCHMARKS.md: results, targets (pass/fail), method."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from measure import median, percentile
from queries import SCAN_QUERIES

KB = 1000  # report units: 1 KB = 1,000 bytes, 1 MB = 1,000,000 bytes
LARGER_HEADING = "## Larger gardens, measured once"
METHOD_HEADING = "## How it is measured"
# The rows of a larger garden's results that its summary repeats.
LARGER_ROWS = ("| **", "| notes · Markdown", "| index + export", "| `index` after editing",
               "| in-process query p50 / p95, searcher kept open", "| Pagefind index",
               "| in-browser query p50 warm")


@dataclass(frozen=True)
class ReportContext:
    date: str
    command: str
    code: str
    machine: dict[str, object]
    repeat: int
    seconds: float
    queries: Sequence[str]
    browser_queries: Sequence[str]
    first_query: str


# --- reading figures (None when not measured) -----------------------------------------

def _median_seconds(runs) -> float | None:
    return median(r.seconds for r in runs) if runs else None


def _peak_bytes(runs) -> float | None:
    return max(r.peak_rss_kib for r in runs) * 1024.0 if runs else None


def _peak_mb(runs) -> float | None:
    return peak / 1e6 if (peak := _peak_bytes(runs)) is not None else None


def index_plus_export(f) -> float | None:
    if not f.index_full or not f.export:
        return None
    return _median_seconds(f.index_full) + _median_seconds(f.export)


def query_overhead_ms(f) -> float | None:
    if not f.query_process:
        return None
    return (_median_seconds(f.query_process) - _median_seconds(f.bare_python)) * 1000


def in_process(f, fraction: float, cold: bool = False) -> float | None:
    timings = f.in_process_cold_ms if cold else f.in_process_ms
    return percentile(timings, fraction) if timings else None


def first_query_sent(figures) -> int | None:
    return figures.sent if figures else None


def build_ratio(f) -> float | None:
    ours = index_plus_export(f)
    theirs = _median_seconds(f.pagefind_index)
    return ours / theirs if ours is not None and theirs else None


def bytes_ratio(f) -> float | None:
    if f.ours_browser is None or f.pagefind_browser is None or not f.pagefind_browser.sent:
        return None
    return f.ours_browser.sent / f.pagefind_browser.sent


def scan_ratios(f) -> dict[str, float]:
    """Per kind of ``SCAN_QUERIES``: our ``query`` process / ``rg -li`` (medians)."""
    ratios = {}
    for kind, runs in f.scan_ours.items():
        theirs = _median_seconds(f.scan_ripgrep.get(kind, []))
        if runs and theirs:
            ratios[kind] = _median_seconds(runs) / theirs
    return ratios


def worst_scan_ratio(f) -> float | None:
    ratios = scan_ratios(f)
    return max(ratios.values()) if ratios else None


def _scan_row(f) -> str:
    if not f.scan_ours:
        return "–"
    return " · ".join(f"{kind} {_seconds(_median_seconds(runs))} / "
                      f"{_seconds(_median_seconds(f.scan_ripgrep.get(kind, [])))}"
                      for kind, runs in f.scan_ours.items())


def client_files_ratio(f) -> float | None:
    if f.client_index is None or f.pagefind_files is None or not f.pagefind_files.files:
        return None
    return f.client_index.files / f.pagefind_files.files


def client_bytes_ratio(f) -> float | None:
    if f.client_index is None or f.pagefind_files is None or not f.pagefind_files.raw:
        return None
    return f.client_index.raw / f.pagefind_files.raw


def index_share_of_markdown(f) -> float | None:
    return f.whoosh_index.raw / f.note_bytes if f.whoosh_index and f.note_bytes else None


def update_share(f) -> float | None:
    update, build = _median_seconds(f.index_update), index_plus_export(f)
    return update / build if update is not None and build else None


def largest_command_peak(f) -> float | None:
    """The largest peak RSS, in bytes, of any of our commands on this garden (each
    command's own process; forked workers share its pages, so they are not summed):
    ``index``, its update, ``export``, ``query`` and the live preview of ``serve
    --watch``."""
    return _peak_bytes([*f.index_full, *f.index_update, *f.export, *f.export_cold,
                        *f.query_process, *(run for runs in f.scan_ours.values() for run in runs),
                        *f.live_process])


def browser_p50(f) -> float | None:
    return f.ours_browser.warm_p50 if f.ours_browser else None


# --- formatting ----------------------------------------------------------------------

def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _count(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def _ms(value: float | None) -> str:
    return "–" if value is None else (f"{value:.1f} ms" if value < 1000 else f"{value:.0f} ms")


def _bytes(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 10 * KB * KB:
        return f"{value / KB / KB:.1f} MB"
    if value >= KB * KB:
        return f"{value / KB / KB:.2f} MB"
    return f"{value / KB:.1f} KB"


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def _run(runs) -> str:
    if not runs:
        return "–"
    cpu = median(r.cpu_seconds for r in runs)
    return f"{_seconds(_median_seconds(runs))} · {_seconds(cpu)} · {_peak_mb(runs):.0f} MB"


def _size(size) -> str:
    if size is None:
        return "–"
    return f"{size.files} files · {_bytes(size.raw)} · {_bytes(size.gzip)} gz"


def _fetch(figures) -> str:
    if figures is None:
        return "–"
    return (f"{_bytes(figures.raw)} · {_bytes(figures.sent)} gz "
            f"({len(figures.fetched)} files)")


def _browser_times(figures) -> str:
    if figures is None:
        return "–"
    return f"{_ms(figures.warm_p50)} ({_ms(figures.first_pass_p50)})"


ROWS: list[tuple[str, Callable]] = [
    ("notes · Markdown", lambda f: f"{f.notes} · {_bytes(f.note_bytes)}"),
    ("`index --full` · CPU · peak RSS", lambda f: _run(f.index_full)),
    ("`index` after editing 1 note · CPU · peak RSS", lambda f: _run(f.index_update)),
    ("`export` after the full build (its snapshot) · CPU · peak RSS",
     lambda f: _run(f.export)),
    ("`export` reading every note · CPU · peak RSS", lambda f: _run(f.export_cold)),
    ("index + export", lambda f: _seconds(index_plus_export(f))),
    ("`query` whole process · CPU · peak RSS", lambda f: _run(f.query_process)),
    ("`python -c pass`", lambda f: _seconds(_median_seconds(f.bare_python))),
    ("**`query` minus bare Python**", lambda f: _ms(query_overhead_ms(f))),
    ("in-process query p50 / p95, searcher kept open",
     lambda f: f"{_ms(in_process(f, 0.5))} / {_ms(in_process(f, 0.95))}"),
    ("`serve --watch`: save → reloaded page (server's refresh) · peak RSS",
     lambda f: f"{_ms(live_ms(f))} ({_ms(live_ms(f, 'live_refresh_ms'))})"
               + (f" · {_peak_mb(f.live_process):.0f} MB" if f.live_process else "")),
    ("in-process query p50 / p95, fresh searcher each query",
     lambda f: f"{_ms(in_process(f, 0.5, True))} / {_ms(in_process(f, 0.95, True))}"),
    ("Whoosh index on disk", lambda f: _size(f.whoosh_index)),
    ("client index (`site/search/`)", lambda f: _size(f.client_index)),
    ("Pagefind index · CPU · peak RSS", lambda f: _run(f.pagefind_index)),
    ("Pagefind files (`pagefind/`)", lambda f: _size(f.pagefind_files)),
    ("**build: (index + export) / Pagefind**", lambda f: _ratio(build_ratio(f))),
    ("**client index / Pagefind's: files · bytes on disk**",
     lambda f: f"{_ratio(client_files_ratio(f))} · {_ratio(client_bytes_ratio(f))}"),
    ("**Whoosh index and snapshot / Markdown**", lambda f: _ratio(index_share_of_markdown(f))),
    ("`query` process / `rg -li`, seconds: " + ", ".join(
        kind for kind, _ in SCAN_QUERIES), _scan_row),
    ("**worst `query` process / `rg -li`**", lambda f: _ratio(worst_scan_ratio(f))),
    ("first query in browser, ours", lambda f: _fetch(f.ours_browser)),
    ("first query in browser, Pagefind", lambda f: _fetch(f.pagefind_browser)),
    ("**first-query bytes gz: ours / Pagefind**", lambda f: _ratio(bytes_ratio(f))),
    ("in-browser query p50 warm (first pass), ours",
     lambda f: _browser_times(f.ours_browser)),
    ("in-browser engine only p50 (`MXSearch.createEngine().search`)",
     lambda f: _ms(f.ours_browser.engine_p50) if f.ours_browser else "–"),
    ("in-browser query p50 warm (first pass), Pagefind",
     lambda f: _browser_times(f.pagefind_browser)),
]


# --- targets -------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    text: str
    garden: str  # "real" or a synthetic size
    measure: Callable[[object], float | None]
    limit: Callable[[object], float | None]
    show: Callable[[float | None], str]


def _find(results, garden: str):
    for figures in results:
        if garden == "real" and figures.name == "real corpus":
            return figures
        if garden != "real" and figures.name.startswith("synthetic") and \
                figures.notes == int(garden):
            return figures
    return None


def _pagefind_time(f) -> float | None:
    return _median_seconds(f.pagefind_index)


def _pagefind_sent(f) -> float | None:
    return first_query_sent(f.pagefind_browser)


def live_ms(f, which: str = "live_ms") -> float | None:
    """Median of a ``serve --watch`` timing (``live_ms`` or ``live_refresh_ms``)."""
    timings = getattr(f, which, None)
    return median(timings) if timings else None


TARGETS = [
    Target("index + export of the real corpus ≤ 2 s", "real", index_plus_export,
           lambda f: 2.0, _seconds),
    Target("10k: index + export ≤ 2 × Pagefind's index time", "10000", index_plus_export,
           lambda f: 2 * t if (t := _pagefind_time(f)) else None, _seconds),
    Target("10k: one-note incremental update ≤ 1 s", "10000",
           lambda f: _median_seconds(f.index_update), lambda f: 1.0, _seconds),
    Target("199 notes: `query` process ≤ 120 ms above bare Python", "real",
           query_overhead_ms, lambda f: 120.0, _ms),
    Target("10k: `query` process ≤ 250 ms above bare Python", "10000",
           query_overhead_ms, lambda f: 250.0, _ms),
    # A fresh searcher per query is what the `query` process does: the whole-process
    # targets above cover it; its in-process figures are in the results table.
    Target("10k: in-process query p95 ≤ 20 ms (searcher kept open)", "10000",
           lambda f: in_process(f, 0.95), lambda f: 20.0, _ms),
    Target("199 notes: first-query browser bytes (gz) ≤ 50 % of Pagefind's", "real",
           lambda f: first_query_sent(f.ours_browser),
           lambda f: 0.5 * s if (s := _pagefind_sent(f)) else None, _bytes),
    Target("10k: first-query browser bytes ≤ 150 KB gz", "10000",
           lambda f: first_query_sent(f.ours_browser), lambda f: 150.0 * KB, _bytes),
    Target("10k: in-browser query p50 ≤ 10 ms", "10000", browser_p50,
           lambda f: 10.0, _ms),
    Target("real corpus: `serve --watch`, save → reloaded page ≤ 1 s", "real",
           lambda f: ms / 1000 if (ms := live_ms(f)) else None, lambda f: 1.0, _seconds),
    Target("10k: `serve --watch`, save → reloaded page ≤ 2 s", "10000",
           lambda f: ms / 1000 if (ms := live_ms(f)) else None, lambda f: 2.0, _seconds),
    # Issue #16's targets (scale): ratios against a tool run in the same benchmark.
    *(Target(f"{label}: `query` process ≤ ½ `rg -li` (worst of {len(SCAN_QUERIES)} queries)",
             size, worst_scan_ratio, lambda f: 0.5, _ratio)
      for label, size in (("10k", "10000"), ("50k", "50000"))),
    Target("10k: index + export ≤ 1.5 × Pagefind's index time", "10000", index_plus_export,
           lambda f: 1.5 * t if (t := _pagefind_time(f)) else None, _seconds),
    Target("10k: one-note update ≤ 2 % of index + export", "10000", update_share,
           lambda f: 0.02, _percent),
    *(Target(f"{label}: client index files ≤ Pagefind's", size,
             lambda f: float(f.client_index.files) if f.client_index else None,
             lambda f: float(f.pagefind_files.files) if f.pagefind_files else None,
             _count)
      for label, size in (("1k", "1000"), ("10k", "10000"))),
    *(Target(f"{label}: client index bytes on disk ≤ Pagefind's", size,
             lambda f: float(f.client_index.raw) if f.client_index else None,
             lambda f: float(f.pagefind_files.raw) if f.pagefind_files else None,
             _bytes)
      for label, size in (("1k", "1000"), ("10k", "10000"))),
    Target("10k: first-query bytes (gz) ≤ 50 % of Pagefind's", "10000",
           lambda f: first_query_sent(f.ours_browser),
           lambda f: 0.5 * s if (s := _pagefind_sent(f)) else None, _bytes),
    Target("10k: Whoosh index and snapshot ≤ 3 × the Markdown", "10000",
           index_share_of_markdown, lambda f: 3.0, _ratio),
    Target("50k: in-process query p95 ≤ 20 ms (searcher kept open)", "50000",
           lambda f: in_process(f, 0.95), lambda f: 20.0, _ms),
    Target("50k: peak memory of every command ≤ Pagefind's", "50000",
           largest_command_peak, lambda f: _peak_bytes(f.pagefind_index), _bytes),
]


def existing_site_targets(existing) -> list[tuple[str, str, str, str]]:
    """The real Eleventy site's two targets: our step no longer than Eleventy's build,
    and the first query's bytes at most half of Pagefind's on the same pages."""
    targets = [
        ("real Eleventy site: `export --into` ≤ Eleventy's own build",
         _median_seconds(existing.our_step), _median_seconds(existing.eleventy_build), _seconds),
        ("real Eleventy site: first-query bytes (gz) ≤ 50 % of Pagefind's",
         first_query_sent(existing.ours_browser),
         0.5 * s if (s := first_query_sent(existing.pagefind_browser)) else None, _bytes),
    ]
    rows = []
    for text, value, limit, show in targets:
        if value is None or limit is None:
            why = "; ".join(existing.skipped.values()) or "a figure is missing"
            rows.append((text, show(value), show(limit), f"not measured ({why})"))
        else:
            rows.append((text, show(value), show(limit),
                         "**PASS**" if value <= limit else "**FAIL**"))
    return rows


def _existing_site_section(existing) -> list[str]:
    if existing is None:
        return []
    step, build = _median_seconds(existing.our_step), _median_seconds(existing.eleventy_build)
    ours, theirs = existing.ours_browser, existing.pagefind_browser
    rows = [
        ["notes · matched to a page · pages built",
         f"{existing.notes} · {existing.matched} · {existing.pages}"],
        ["Eleventy's build (`npm run build`) · CPU · peak RSS", _run(existing.eleventy_build)],
        ["our step (`export --into docs`) · CPU · peak RSS", _run(existing.our_step)],
        ["**our step / Eleventy's build**",
         _ratio(step / build if step is not None and build else None)],
        ["Pagefind on the same `docs/` · CPU · peak RSS", _run(existing.pagefind_index)],
        ["our bundle (`docs/mxsearch/`)", _size(existing.bundle)],
        ["Pagefind files (`pagefind/`)", _size(existing.pagefind_files)],
        ["first query in browser, ours", _fetch(ours)],
        ["first query in browser, Pagefind", _fetch(theirs)],
        ["**first-query bytes gz: ours / Pagefind**",
         _ratio(ours.sent / theirs.sent if ours and theirs and theirs.sent else None)],
        ["in-browser query p50 warm (first pass), ours", _browser_times(ours)],
    ]
    lines = ["## The real Eleventy site", "",
             "Our search added to the real MuseumXTD site (`../shared/sites/museumxtd`, "
             "Eleventy 1.0) as docs/existing-site.md says, each step its own process, "
             f"×{len(existing.our_step)}:", "",
             _table(["measure (median)", "real Eleventy site"], rows), ""]
    lines += [f"- not measured: {what}: {why}" for what, why in existing.skipped.items()]
    return lines + ([""] if existing.skipped else [])


def evaluate(results) -> list[tuple[str, str, str, str]]:
    """(target, measured, limit, verdict) for each target; verdict PASS, FAIL or a reason."""
    rows = []
    for target in TARGETS:
        figures = _find(results, target.garden)
        if figures is None:
            where = "the real corpus" if target.garden == "real" else f"{target.garden} notes"
            rows.append((target.text, "–", "–", f"not measured ({where} not in this run)"))
            continue
        value, limit = target.measure(figures), target.limit(figures)
        if value is None or limit is None:
            why = "; ".join(figures.skipped.values()) or "a figure is missing"
            rows.append((target.text, target.show(value), target.show(limit),
                         f"not measured ({why})"))
            continue
        rows.append((target.text, target.show(value), target.show(limit),
                     "**PASS**" if value <= limit else "**FAIL**"))
    return rows


# --- the document --------------------------------------------------------------------

def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
              for row in rows]
    return "\n".join(lines)


def _fetch_detail(results) -> str:
    rows = []
    for f in results:
        for who, figures in (("ours", f.ours_browser), ("Pagefind", f.pagefind_browser)):
            if figures is None:
                continue
            kinds = figures.bytes_by_kind(sent=True)
            counts: dict[str, int] = {}
            for item in figures.fetched:
                counts[item.kind] = counts.get(item.kind, 0) + 1
            largest = sorted(figures.fetched, key=lambda item: -item.sent)[:3]
            rows.append([f.name, who] + [
                f"{_bytes(kinds.get(k, 0))} ({counts.get(k, 0)})"
                for k in ("code", "index", "fragments")] + [str(figures.results)] + [
                ", ".join(f"`{item.url.rsplit('/', 1)[-1]}` {_bytes(item.sent)}"
                          for item in largest)])
    if not rows:
        return "_Not measured._"
    return _table(["garden", "search", "code (files)", "index data (files)",
                   "fragments (files)", "results shown", "largest files (gz)"], rows)


def _slowest_queries(results, count: int = 3) -> list[str]:
    lines = []
    for f in results:
        for kind, by_query in (("kept open", f.in_process_by_query),
                               ("fresh", f.in_process_cold_by_query)):
            slowest = sorted(by_query.items(), key=lambda item: -item[1])[:count]
            if slowest:
                lines.append(f"- {f.name}, searcher {kind}: "
                             + ", ".join(f"`{q}` {_ms(ms)}" for q, ms in slowest))
    return lines


def _load(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.2f}"


def _busy_warning(machine: dict) -> list[str]:
    """A visible caveat when other work shared the cores during the run."""
    start, end = machine["load_start"], machine["load_end"]
    cores = int(machine["cores"] or 1)
    # Before the run nothing of ours runs; at the end our own workers count too.
    if not ((start is not None and start > 0.75 * cores)
            or (end is not None and end > 1.5 * cores)):
        return []
    loads = [v for v in (start, end) if v is not None]
    return [f"- **busy machine**: load average up to {max(loads):.1f} on {cores} cores, so "
            "wall-clock figures are inflated and noisy; the CPU columns are steadier."]


def _section(markdown: str, heading: str) -> list[str]:
    """The lines under ``heading`` (a ``## `` line) up to the next ``## ``, trimmed."""
    lines = markdown.splitlines()
    if heading not in lines:
        return []
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")),
               len(lines))
    return "\n".join(lines[start:end]).strip().splitlines()


def larger_runs(folder: Path, main_report: str) -> list[str]:
    """A section summing up the reports of larger gardens kept beside the main one
    (``BENCHMARKS-*.md``, each written by one run with ``--out``, too long to run
    every time): what each measured, its targets that were measured, and where the
    time goes (``stages.py``)."""
    reports = sorted(path for path in folder.glob("BENCHMARKS-*.md") if path.name != main_report)
    if not reports:
        return []
    parts = [LARGER_HEADING, "",
             "Each was measured by its own run of `benchmarks/run.py` (its command is in "
             "its report); shown here as that run left it.", ""]
    for path in reports:
        text = path.read_text(encoding="utf-8")
        about = [line for line in text.splitlines()
                 if line.startswith(("- date:", "- machine:", "- **busy machine**", "- command:",
                                     "- code measured:"))]
        targets = _section(text, "## Targets")
        measured = targets[:2] + [row for row in targets[2:] if "| – |" not in row]
        # The results' ratios (bold rows) and a few times: a larger size has no
        # target of its own.
        results = _section(text, "## Results")
        table = [row for row in results if row.startswith("|")]
        ratios = table[:2] + [row for row in table[2:] if row.startswith(LARGER_ROWS)]
        parts += [f"### [{path.name}]({path.name})", "", *about, "", *measured, "",
                  *ratios, ""]
        stages = _section(text, "## Where the time goes")
        if stages:
            parts += ["Where the time goes:", "", *stages, ""]
    return parts


def render(results, context: ReportContext, existing=None,
           larger: Sequence[str] = ()) -> str:
    runs = {f.name: (len(f.index_full), len(f.query_process)) for f in results}
    header = ["measure (median)"] + [f.name for f in results]
    body = [[label] + [cell(f) for f in results] for label, cell in ROWS]
    skipped = [f"- {f.name}: {what}: {why}" for f in results for what, why in f.skipped.items()]
    machine = context.machine
    parts = [
        "# Benchmarks",
        "",
        "Generated by `benchmarks/run.py`; do not edit by hand, run it again.",
        "",
        f"- date: {context.date}",
        f"- machine: {machine['cores']} cores ({machine['processor']}), Python "
        f"{machine['python']}, {machine['platform']}; load average "
        f"{_load(machine['load_start'])} at the start, {_load(machine['load_end'])} at the end",
        *_busy_warning(machine),
        f"- command: `{context.command}` ({context.seconds / 60:.1f} min)",
        f"- code measured: {context.code} (a copy taken at the start of the run)",
        "- runs: index/update/export/Pagefind "
        + ", ".join(f"{name} ×{n}" for name, (n, _) in runs.items())
        + f"; `query` process ×{context.repeat}; in-process {len(context.queries)} "
          f"queries ×{context.repeat} after a warm-up pass",
        "",
        "## Targets",
        "",
        _table(["target", "measured", "limit", "result"],
               evaluate(results) + (existing_site_targets(existing) if existing else [])),
        "",
        "## Results",
        "",
        _table(header, body),
        "",
        f"First query in the browser: `{context.first_query}` typed into `search/index.html`"
        " (ours) or passed to `pagefind.search` with `data()` of the first 10 results "
        "(Pagefind). Bytes by kind, gzip (files):",
        "",
        _fetch_detail(results),
        "",
        "Slowest in-process queries (median):",
        "",
        *_slowest_queries(results),
        "",
    ]
    if skipped:
        parts += ["Not measured:", "", *skipped, ""]
    parts += _existing_site_section(existing)
    parts += larger
    parts += [
        METHOD_HEADING,
        "",
        "- Each command runs in its own process, `python -m museumxtd_search …` on a copy "
        "of the garden; seconds are wall-clock around the process, peak RSS comes from "
        "GNU `/usr/bin/time -f '%e %M'` (or `os.wait4`), never from `RUSAGE_CHILDREN` deltas; "
        "it is the largest single process of the command (parallel parse workers are not "
        "summed); CPU is user + system time of the command and all its children. "
        "Compiled modules are cached (`PYTHONPYCACHEPREFIX` in the work folder), as for an "
        "installed package; every command first runs once, untimed, on the bundled notes.",
        "- Synthetic gardens: `benchmarks/synthetic_garden.py` (seed 0), ~2 KB notes "
        "built from the real garden's sentences, names, headings and tags, with wikilinks "
        "of every form (5 % broken).",
        "- Each full build is followed by an export into a new folder, as CI runs them: "
        "the export takes the notes the build read from its snapshot (`--index`); "
        "*reading every note* is an export given no index. *index + export* (and its ratio "
        "to Pagefind) uses the first.",
        "- The incremental update appends a sentence to one note, then runs `index`.",
        "- `query` minus bare Python: medians of the same number of interleaved runs of "
        f"`query \"{context.first_query}\"` and `python -c pass`.",
        "- In-process: *searcher kept open*: one `GardenSearcher`, a warm-up pass, then "
        "every query timed (the searcher keeps decoded postings between queries, up to "
        "a bound, as a long-running process would); *fresh searcher*: every timed query "
        "runs on a searcher opened for it (opening not timed), so nothing decoded by an "
        "earlier query helps. Queries: "
        + ", ".join(f"`{q}`" for q in context.queries) + ".",
        "- Bytes: every response body the local server sent, from opening the page to the "
        "first results shown, without the HTML page and its stylesheet; `gz` is what a host "
        "with compression sends (gzip level 6 per file, or the raw file when already "
        "smaller, as for Pagefind's pre-compressed chunks). 1 KB = 1,000 bytes.",
        "- In-browser query time: the first 20 queries typed one after the other "
        "(value + `input` event, stopped by a `MutationObserver` when the result list "
        "shows that query); *first pass* includes fetching shards and fragments from "
        "127.0.0.1, *warm* is the second pass (the target uses it). *Engine only*: the "
        "same queries on a fresh `MXSearch.createEngine(...)` in the page after one loading "
        "pass, without the page's DOM and history updates. Pagefind: `pagefind.search(q)` "
        "plus the `data()` of 10 results, same two passes.",
        "- Pagefind indexes a copy of our exported site (every page, including tag and "
        "list pages), with `--output-subdir pagefind`.",
        "- The real Eleventy site: a copy of `../shared/sites/museumxtd` with the edits of "
        "docs/existing-site.md, `npm ci` once (not timed); each round runs Eleventy's own "
        "`npm run build`, then our `export --into docs` from an empty bundle folder (as a CI "
        "build starts). Pagefind indexes a copy of the same built `docs/` without our bundle. "
        "Bytes: ours are the bundle's files (not its stylesheet) that `/Navigation/search/` "
        "fetches until the first results show; requests beyond 127.0.0.1 (the site's "
        "analytics) are blocked. Pagefind's as above.",
        "",
    ]
    return "\n".join(parts)


def refresh_larger_runs(report: Path) -> None:
    """Rewrite the larger gardens' summary of ``report`` (a main report) from the
    ``BENCHMARKS-*.md`` beside it, leaving every other line as its run wrote it: a
    one-off large run need not be followed by a whole new run of the main one."""
    lines = report.read_text(encoding="utf-8").splitlines()
    if LARGER_HEADING in lines:
        start = lines.index(LARGER_HEADING)
        end = next(i for i in range(start + 1, len(lines) + 1)
                   if i == len(lines) or lines[i].startswith("## "))
    else:
        start = end = lines.index(METHOD_HEADING)
    section = larger_runs(report.parent, report.name)
    report.write_text("\n".join(lines[:start] + section + lines[end:]) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Refresh a report's summary of the "
                                                 "larger gardens' reports beside it.")
    parser.add_argument("report", type=Path, help="the main report (docs/BENCHMARKS.md)")
    refresh_larger_runs(parser.parse_args(argv).report)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())

