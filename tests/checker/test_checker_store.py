"""The visited-state store (``properties.checker.store``): against a dict of the same entries,
for every signed 64-bit key (0, -1, -2 and the extremes included) and through its growth; its
size as ``sys.getsizeof`` reports it is what the allocator holds, under 100 bytes per state."""

from __future__ import annotations

import pickle
import random
import sys
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wspshare.properties.checker import check
from wspshare.properties.checker.store import StateStore, _index_code

from .checker_toys import LostUpdate

LOW, HIGH = -(2**63), 2**63 - 1
SPECIAL = [0, -1, -2, 1, 2, HIGH, LOW, HIGH - 1, LOW + 1, 2**32, -(2**32), 2**62, -(2**62)]

# Keys that share their low bits (so they land on one slot first) as well as arbitrary ones.
keys = st.one_of(
    st.sampled_from(SPECIAL),
    st.integers(LOW, HIGH),
    st.integers(-64, 64),
    st.integers(-8, 8).map(lambda k: k << 40),
)


def model_chain(model: dict[int, tuple[int | None, int]], key: int) -> tuple[int, list[int]]:
    """``Exploration.chain`` as it was over the dict."""
    moves: list[int] = []
    parent, position = model[key]
    while parent is not None:
        moves.append(position)
        parent, position = model[parent]
    moves.reverse()
    return position, moves


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(keys, st.integers(0, 10**6), st.integers(0, 2**16 + 5), st.booleans()),
        max_size=120,
    ),
    st.lists(keys, max_size=40),
)
def test_the_store_behaves_as_the_dict_it_replaces(
    adds: list[tuple[int, int, int, bool]], probes: list[int]
) -> None:
    store, model = StateStore(), {}
    order: list[int] = []  # keys by index
    for key, pick, position, initial in adds:
        parent = -1 if initial or not order else pick % len(order)
        index = store.add(key, parent, position)
        if key in model:
            assert index == -1
        else:
            assert index == len(order)
            model[key] = (None if parent < 0 else order[parent], position)
            order.append(key)
        assert len(store) == len(model)
    for key in [*probes, *SPECIAL, *model]:
        assert (key in store) == (key in model)
        assert store.get(key) == model.get(key)
        assert store.index(key) == (order.index(key) if key in model else -1)
        if key in model:
            assert store[key] == model[key]
            assert store.key(store.index(key)) == key
            assert store.chain(key) == model_chain(model, key)
        else:
            with pytest.raises(KeyError):
                store[key]
            with pytest.raises(KeyError):
                store.chain(key)
    assert list(store.items()) == list(model.items())
    assert list(store) == list(store.keys()) == list(model)
    assert store.initial() == {k: pos for k, (parent, pos) in model.items() if parent is None}
    assert StateStore.of(model.items()) == store
    copy = pickle.loads(pickle.dumps(store))
    assert copy == store and list(copy.items()) == list(model.items())
    assert all(copy.index(k) == store.index(k) for k in [*model, *probes])


def test_every_sixty_four_bit_key_is_a_key_and_none_beyond() -> None:
    store = StateStore()
    for position, key in enumerate(SPECIAL):
        assert store.add(key, -1, position) == position
    assert all(store.add(key, 0, 9) == -1 for key in SPECIAL)
    assert [store[key] for key in SPECIAL] == [(None, p) for p in range(len(SPECIAL))]
    for key in (HIGH + 1, LOW - 1, 2**64, -(2**100)):
        with pytest.raises(OverflowError, match="signed 64-bit"):
            store.add(key, -1, 0)
        assert key not in store and store.index(key) == -1
    assert len(store) == len(SPECIAL) and list(store) == SPECIAL
    assert "x" not in store and 1.5 not in store


def test_a_parent_must_be_stored_and_a_key_is_given_once() -> None:
    store = StateStore()
    with pytest.raises(IndexError):
        store.add(5, 0, 0)  # no state 0 yet
    store.add(5, -1, 0)
    with pytest.raises(IndexError):
        store.add(6, 1, 0)
    with pytest.raises(IndexError):
        store.add(6, -2, 0)
    assert len(store) == 1 and 6 not in store
    with pytest.raises(KeyError):
        StateStore.of([(1, (2, 0))])
    with pytest.raises(ValueError):
        StateStore.of([(1, (None, 0)), (1, (None, 1))])


def test_a_large_position_widens_the_positions_column() -> None:
    store = StateStore()
    store.add(1, -1, 65535)
    store.add(2, 0, 65536)
    store.add(3, 1, 2**40)
    assert store.chain(3) == (65535, [65536, 2**40])
    assert store[2] == (1, 65536)


@pytest.mark.parametrize("stride", [1, 2**20, 2**40, 2**63 // 3])
def test_growth_keeps_the_table_between_a_quarter_and_half_full(stride: int) -> None:
    # Keys with equal low bits land on one first slot: the probe's perturbation spreads them.
    store = StateStore()
    n = 20_000
    for i in range(n):
        key = (i * stride) % 2**64 - 2**63
        assert store.add(key, i - 1, i % 3) == i
    assert all(store.index((i * stride) % 2**64 - 2**63) == i for i in range(0, n, 7))
    slots = len(store._slots)
    assert slots & (slots - 1) == 0 and 4 * n > slots >= 2 * n


def test_indices_widen_past_two_to_the_thirty_one_slots() -> None:
    assert _index_code(8) == _index_code(2**31) == "i"
    assert _index_code(2**32) == "q"


def test_getsizeof_is_what_the_allocator_holds_and_under_100_bytes_a_state() -> None:
    rng = random.Random(14)
    keys = [rng.getrandbits(64) - 2**63 for _ in range(50_000)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        store = StateStore()
        for i, key in enumerate(keys):
            store.add(key, i // 4 - 1, i % 5)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    size = sys.getsizeof(store)
    assert abs(held - size) < 0.03 * size  # the figure is the real memory, give or take
    assert 14 <= size / len(store) <= 32  # 14 bytes of columns, the table, over-allocation
    assert "50,000 states" in repr(store)


def test_the_search_reports_the_stores_bytes_per_state() -> None:
    stats = check(LostUpdate(5)).statistics
    assert stats.states == 8638
    assert 14 <= stats.bytes_per_state <= 32


def test_a_search_whose_fingerprints_are_awkward_finds_what_a_hashing_one_does() -> None:
    # Every state numbered in the order met, its fingerprint -1, -2, 0, the extremes, then
    # numbers that share their low 40 bits: the store must tell all of them apart.
    ids: dict[object, int] = {}
    awkward = [-1, -2, 0, HIGH, LOW]

    def fingerprint(state: object) -> int:
        n = ids.setdefault(state, len(ids))
        return awkward[n] if n < len(awkward) else (n << 40) - 2**62

    plain, odd = check(LostUpdate(3)), check(LostUpdate(3), fingerprint=fingerprint)
    assert (odd.statistics.states, odd.statistics.transitions) == (
        plain.statistics.states,
        plain.statistics.transitions,
    )
    assert [(r.name, r.verdict) for r in odd.properties] == [
        (r.name, r.verdict) for r in plain.properties
    ]
    for mine, theirs in zip(odd.properties, plain.properties, strict=True):
        assert (mine.path is None) == (theirs.path is None)
        if mine.path is not None and theirs.path is not None:
            assert [s.state for s in mine.path.steps] == [s.state for s in theirs.path.steps]
