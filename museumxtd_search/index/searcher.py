"""Open the live index of a folder for searching (``GardenSearcher``), and ``search``.

The engine (``engine.search.Searcher``) answers from an open index; this module finds
the live generation and gives the engine its files and side files. A rebuild may
switch generations and delete the old one at any moment. What is open stays readable
(the engine maps its files, and the vocabulary file is opened here at once), so
everything is opened together, and again on the new generation if it vanished
meanwhile.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

from museumxtd_search.engine.search import Searcher, SearchResponse
from museumxtd_search.engine.storage.reader import IndexFiles, NoTableOfContentsError
from museumxtd_search.index import side_files
from museumxtd_search.index.generations import live_generation

# Openings tried while rebuilds keep replacing the generation being opened.
_OPEN_ATTEMPTS = 5


class NoIndexError(RuntimeError):
    """There is no complete index in the folder."""


class _VocabularyFile:
    """``vocabulary.json`` of a generation, opened now and parsed on first use (a query
    whose words are all known never parses it; one that is, after a rebuild deleted
    the generation, still reads the file it opened)."""

    def __init__(self, generation: Path) -> None:
        self._path = generation / side_files.VOCABULARY
        self._handle: IO[bytes] | None = open(self._path, "rb")  # noqa: SIM115 - closed on parse

    def __call__(self) -> dict:
        handle, self._handle = self._handle, None
        if handle is None:  # parsed before, or closed: read the file again
            return side_files.read_json(self._path)
        with handle:
            return json.load(handle)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


class GardenSearcher(Searcher):
    """The live index of ``index_dir``, open for queries (the CLI makes one per process)."""

    def __init__(self, index_dir: Path | str) -> None:
        index_dir = Path(index_dir)
        for attempt in range(_OPEN_ATTEMPTS):
            generation = live_generation(index_dir)
            if generation is None:
                raise NoIndexError(f"no index in {index_dir}")
            try:
                vocabulary = _VocabularyFile(generation)
                try:
                    # The build's own statistics, always: besides keeping deleted notes,
                    # Whoosh totals a merged segment's field lengths from its lossy length
                    # bytes, so an updated index whose small segments merged would rank
                    # unlike a full build.
                    statistics = side_files.read_statistics(generation)
                    files = IndexFiles(generation)
                except BaseException:
                    vocabulary.close()
                    raise
                break
            except (OSError, NoTableOfContentsError):
                if attempt + 1 == _OPEN_ATTEMPTS or live_generation(index_dir) == generation:
                    raise
        self.generation = generation
        # The build or update that wrote what is open (``None`` for an empty index): an
        # update commits into the same generation, so the folder alone does not say.
        self.build: str | None = statistics.get("build") if statistics else None
        self._vocabulary_source = vocabulary
        super().__init__(files, statistics, vocabulary, self._read_link_table)

    def _read_link_table(self):
        from museumxtd_search.vault.resolver import LinkTable  # only --links-to needs it

        try:
            data = side_files.read_json(self.generation / side_files.LINKS)
        except FileNotFoundError:
            # A rebuild replaced this generation since we opened it: the new table
            # resolves names at least as well as the one we would have read.
            current = live_generation(self.generation.parent)
            if current is None:
                raise NoIndexError(f"no index in {self.generation.parent}") from None
            data = side_files.read_json(current / side_files.LINKS)
        return LinkTable.from_json(data)

    def close(self) -> None:
        super().close()
        self._vocabulary_source.close()


def search(index_dir: Path | str, text: str, limit: int = 10, tags: tuple[str, ...] = (),
           links_to: str | None = None, kind: str | None = None, any_tag: bool = False,
           sort: str = "relevance", facets: tuple[str, ...] | None = None) -> SearchResponse:
    """Open the index in ``index_dir``, run one query, close it (the options are
    ``Searcher.search``'s)."""
    with GardenSearcher(index_dir) as searcher:
        return searcher.search(text, limit=limit, tags=tags, links_to=links_to, kind=kind,
                               any_tag=any_tag, sort=sort, facets=facets)
