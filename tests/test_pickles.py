"""Every pickle the tool reads is read safely (engine/storage/pickles.py): data files
name no function but the one protocol 2 writes bytes with, snapshots only our records,
and Whoosh's encoded positions are decoded without unpickling."""

from __future__ import annotations

import pickle
import random
import struct
import zlib
from itertools import pairwise

import pytest

from museumxtd_search.engine.storage import postings
from museumxtd_search.engine.storage.pickles import decode_int_list, load_data, load_records


class Boom:
    """A pickle that would run a command when loaded by pickle.loads."""

    def __reduce__(self):
        import os

        return (os.system, ("echo pwned > /dev/null",))


def test_data_pickles_load_numbers_strings_bytes_and_containers():
    value = ((1, 2, 300), [1.5, None], {"path": "a.md", "meta": b"\x00\xff"}, "é")
    assert load_data(pickle.dumps(value, 2)) == value
    assert load_data(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)) == value


@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
def test_a_data_pickle_naming_a_function_is_refused_before_it_runs(protocol):
    with pytest.raises(pickle.UnpicklingError, match="refused to load posix.system"):
        load_data(pickle.dumps(Boom(), protocol))


def test_records_load_only_the_classes_their_reader_lists():
    assert load_records(pickle.dumps({1, 2}, 2),
                        lambda module, name: set if name == "set" else None) == {1, 2}
    with pytest.raises(pickle.UnpicklingError):
        load_records(pickle.dumps(Boom(), 2), lambda module, name: None)


def test_encoded_positions_decode_as_pickle_would_without_unpickling():
    rng = random.Random(1)
    for size in (0, 1, 2, 999, 1000, 1001, 2500):
        values = [rng.choice([0, 7, 255, 256, 65535, 65536, 2**31 - 1, 2**31, 2**40])
                  for _ in range(size)]
        assert decode_int_list(pickle.dumps(values, 2)) == values
    with pytest.raises(ValueError):
        decode_int_list(pickle.dumps(Boom(), 2))


def test_a_compressed_block_whose_head_is_cut_short_is_decoded_whole():
    # The values' marker appears inside the first 2,048 bytes (weights held as bytes),
    # so the cut finds no ids of the right count: the fallback must decode the whole
    # block, not the truncated head it decompressed first.
    ids = tuple(range(10))
    weights = tuple(bytes([n % 256]) * 9 for n in range(300))
    data = zlib.compress(pickle.dumps((ids, weights, ()), 2))
    assert postings._ids_and_weights(data, 1, len(ids)) == (ids, weights)


def test_encoded_positions_decode_as_whoosh_reads_them():
    # Whoosh's own encoding of positions (a count, then the pickled deltas), read by
    # Whoosh's own decoder: one-byte deltas take the slicing path, others the loop.
    from whoosh.analysis import SpaceSeparatedTokenizer
    from whoosh.formats import Positions

    from museumxtd_search.engine.storage.postings import decode_positions

    rng = random.Random(3)
    positions = Positions()
    for size in (1, 2, 3, 200, 1500, 3000):
        words = [rng.choice(["a", "b", "c"]) if rng.random() < 0.9 else "x" * rng.randint(1, 3)
                 for _ in range(size)]
        text = " ".join(words * (1 if size < 1000 else 2))
        for _, _, _, value in positions.word_values(text, SpaceSeparatedTokenizer()):
            assert decode_positions(value) == positions.decode_positions(value)
    far = [0, 300, 70000]  # deltas of two and four bytes
    value = struct.pack(">I", len(far)) + pickle.dumps([0, 300, 69700], 2)
    assert decode_positions(value) == positions.decode_positions(value) == far


def test_one_byte_deltas_are_sliced_without_the_generic_decoder(monkeypatch):
    # A phrase decodes the positions of tens of thousands of notes at 50,000 notes;
    # nearly all are one delta, or a batch of one-byte deltas ("(K.K.e."): those two
    # never go through decode_int_list.
    from whoosh.formats import Positions

    from museumxtd_search.engine.storage import postings

    def generic(data):
        raise AssertionError("the generic decoder was used")

    monkeypatch.setattr(postings, "decode_int_list", generic)
    for positions in ([2], [0, 2], [3, 7, 40, 41], list(range(0, 1000, 9))):
        deltas = [positions[0]] + [b - a for a, b in pairwise(positions)]
        value = struct.pack(">I", len(positions)) + pickle.dumps(deltas, 2)
        assert postings.decode_positions(value) == positions
        assert Positions().decode_positions(value) == positions


def test_the_gardens_records_come_back_whole_as_calls_of_their_classes(corpus_dir):
    # vault/records.py: a snapshot's records unpickle 30 % faster as calls of their
    # classes than through dataclasses' own __setstate__.
    import pickletools

    from museumxtd_search.index.snapshot import _snapshot_classes
    from museumxtd_search.vault.reading import read_vault

    vault = read_vault(corpus_dir)
    records = (vault.notes, vault.entries)
    blob = pickle.dumps(records, pickle.HIGHEST_PROTOCOL)
    assert "BUILD" not in {op.name for op, _, _ in pickletools.genops(blob)}
    notes, entries = load_records(blob, _snapshot_classes)
    assert notes == vault.notes and entries == vault.entries
    # Fields left out of equality come back too.
    assert [n.front_matter for n in notes] == [n.front_matter for n in vault.notes]
    assert [e.stored for e in entries] == [e.stored for e in vault.entries]
