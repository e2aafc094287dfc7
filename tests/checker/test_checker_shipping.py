"""Shipping states by the numbers of their parts (``shipping``): a state comes back equal, of the
same types, built of parts shared across states; the tables follow a rollback; and a split search
that ships this way (the default) answers as the one-process search and as one that pickles."""

from __future__ import annotations

import pickle
from typing import Any, NamedTuple

from hypothesis import given, settings
from hypothesis import strategies as st
from wspshare.properties.checker import check, reachable_states
from wspshare.properties.checker.fingerprint import fast_fingerprint
from wspshare.properties.checker.partition import Partition
from wspshare.properties.checker.shares import InProcessShares
from wspshare.properties.checker.shipping import Decoder, Encoder, Shipping, round_trip
from wspshare.properties.checker.split import parallel_check, split_check
from wspshare.properties.configs import Switches, model_for

from tests.checker.checker_toys import LostUpdate
from tests.checker.test_checker_split import same


class Rec(NamedTuple):
    pc: int
    flag: bool | int


class Toy(NamedTuple):
    recs: tuple[Rec, ...]
    total: int | bool
    seen: tuple[int, ...]
    label: str | None = None


def types_of(state: Any) -> Any:
    """The type of each field and of each record in a field: a part is looked up by value but
    must have the type of the part shipped (``1 == True``).  Deeper down, equal parts stand for
    each other (``Rec(0, False) == Rec(0, 0)``), as equal states do in the checker's visited
    set (their fingerprints are equal too)."""
    return [(type(v), [type(r) for r in v]) if type(v) is tuple else type(v) for v in state]


recs = st.builds(Rec, st.integers(0, 3), st.booleans() | st.integers(0, 1))
toys = st.builds(
    Toy,
    st.lists(recs, max_size=3).map(tuple) | st.just(()),
    st.integers(0, 2) | st.booleans(),
    st.lists(st.integers(0, 2), max_size=2).map(tuple),
    st.none() | st.sampled_from(["a", "b"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(toys, max_size=6), max_size=5))
def test_states_come_back_equal_and_of_the_same_types(batches: list[list[Toy]]) -> None:
    encoder, decoder = Encoder(), Decoder()
    for batch in batches:
        codes = [encoder.encode(state) for state in batch]
        fresh = pickle.loads(pickle.dumps(encoder.fresh(), 5))
        decoder.absorb(fresh)
        back = [decoder.decode(pickle.loads(pickle.dumps(code))) for code in codes]
        assert back == batch
        assert [types_of(s) for s in back] == [types_of(s) for s in batch]
        assert [hash(s) for s in back] == [hash(s) for s in batch]


def test_handoff_states_round_trip_with_their_parts_shared() -> None:
    model = model_for("handoff", Switches(crash=1, lose=1, stranger=True))
    states = reachable_states(model)
    back = round_trip(states)
    assert back == states
    assert [fast_fingerprint(s) for s in back] == [fast_fingerprint(s) for s in states]
    assert all(type(a) is type(b) for a, b in zip(back, states, strict=True))
    worlds = {id(s.world) for s in back}
    assert len(worlds) == len({s.world for s in states}) < len(states) / 4
    regs = {id(r) for s in back for r in s.regs}
    assert len(regs) == len({r for s in states for r in s.regs})


def test_a_part_is_shipped_once_per_receiver() -> None:
    model = model_for("handoff", Switches())
    states = reachable_states(model)
    shipping = Shipping(0, 2)
    first = shipping.pack(1, {i: ((i,), None, s) for i, s in enumerate(states)})
    again = shipping.pack(1, {i: ((i,), None, s) for i, s in enumerate(states)})
    assert first[0][1] and not again[0][0] and not again[0][1]  # nothing new the second time
    other = Shipping(1, 2)
    out = other.unpack(0, pickle.loads(pickle.dumps(first)))
    assert [c[1][2] for c in out] == states


def test_states_that_are_no_named_tuple_are_left_to_pickle() -> None:
    shipping, other = Shipping(0, 2), Shipping(1, 2)
    candidates = {7: ((0, 1), 3, ((0, 1), (0, 0), 1)), 8: ((0, 2), 3, 5)}
    packed = shipping.pack(1, candidates)
    assert not packed[1] and packed[2] == candidates
    assert dict(other.unpack(0, packed)) == candidates


def test_a_rollback_takes_both_tables_back_in_step() -> None:
    model = model_for("handoff", Switches(crash=1, lose=1))
    states = reachable_states(model)
    a, b, c = states[:40], states[40:200], states[200:]
    sender, receiver = Shipping(0, 2), Shipping(1, 2)

    def ship(batch: list[Any]) -> Any:
        return sender.pack(1, {i: ((i,), None, s) for i, s in enumerate(batch)})

    receiver.unpack(0, ship(a))
    marks = sender.mark(), receiver.mark()
    lost = ship(b)  # encoded, then the level is rolled back on both sides
    receiver.unpack(0, lost)
    sender.restore(marks[0])
    receiver.restore(marks[1])
    out = receiver.unpack(0, ship(c))
    assert [x[1][2] for x in out] == c
    lost = ship(b)  # encoded, never delivered
    sender.restore(marks[0])
    receiver.restore(marks[1])
    out = receiver.unpack(0, ship(b))
    assert [x[1][2] for x in out] == b


class Flaky(InProcessShares):
    """Shares that roll a level back now and then, as a deadline or Ctrl-C would, and redo it:
    after an expand (the level in progress) and after a receive (the last commit)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.depth = -1  # committed by every share
        self.steps = 0
        self.rollbacks = 0

    def call(self, method: str, args: Any) -> list[Any]:
        answers = super().call(method, args)
        if method == "receive" and self.depth < 0:  # the initial states
            self.depth = 0
        elif method in ("expand", "receive"):
            self.steps += 1
            if self.steps % 3 == 0:
                self.rollbacks += 1
                super().call("rollback", [(self.depth,)] * self.count)
                if method == "receive":
                    out = super().call("expand", [()] * self.count)
                    batches = [[sent[0][j] for sent in out] for j in range(self.count)]
                    args = [(batches[j], a[1]) for j, a in enumerate(args)]
                answers = super().call(method, args)
            if method == "receive":
                self.depth += 1
        return answers


def test_a_split_search_shipping_by_numbers_is_the_one_process_search() -> None:
    model = model_for("handoff", Switches(crash=1, lose=1, stranger=True))
    alone = check(model)
    for flaky in (False, True):

        def make(index: int, count: int, abort: Any) -> Partition[Any, Any]:
            return Partition(
                model, index, count, fingerprint=fast_fingerprint, symmetry=False,
                record_edges=True, max_deadlock_paths=10, abort=abort,
            )  # fmt: skip

        shares = (Flaky if flaky else InProcessShares)(make, 2)
        same(split_check(model, shares, key_of=fast_fingerprint, symmetry=False), alone)
        tables = shares.parts[0]._shipping.encoders[1]._tables  # type: ignore[union-attr]
        assert len(tables[0].values) > 10  # the worlds shipped
        if flaky:
            assert isinstance(shares, Flaky) and shares.rollbacks > 8


def test_forked_workers_answer_alike_shipping_by_numbers_or_pickles() -> None:
    model = model_for("fanout", Switches(provider="non-ifs-claim", ack=False))
    by_numbers = parallel_check(model, workers=2)
    same(by_numbers, parallel_check(model, workers=2, shipping=False))
    same(by_numbers, check(model))
    toy = LostUpdate(3)
    same(parallel_check(toy, workers=2), check(toy))


def test_parts_known_by_identity_are_forgotten_and_found_again(monkeypatch: Any) -> None:
    import wspshare.properties.checker.shipping as shipping

    monkeypatch.setattr(shipping, "ALIASES", 3)
    model = model_for("handoff", Switches(crash=1, lose=1))
    states = reachable_states(model)
    encoder, decoder = Encoder(), Decoder()
    for start in range(0, len(states), 50):
        # Equal parts made afresh, dropped after each batch: their ids come back for others.
        batch = [pickle.loads(pickle.dumps(s)) for s in states[start : start + 50]]
        codes = [encoder.encode(s) for s in batch]
        decoder.absorb(encoder.fresh())
        assert [decoder.decode(c) for c in codes if c is not None] == states[start : start + 50]
    assert all(len(t.aliases) <= 3 for t in encoder._tables)
