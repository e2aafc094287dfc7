"""Bounded induction with layered descriptors: every invariant, the chain's two among them, is
inductive with every action at a small bound (two processes, one thread, three handle values,
one socket, one share record), assuming the strengthening with the chain's S2 and S6; each seeded
LSP bug the twin expresses gives a counterexample to induction."""

from __future__ import annotations

import pytest
from wspshare.properties.smt.induction import prove
from wspshare.properties.smt.layer_invariants import formulas_for
from wspshare.properties.smt.layer_mutations import ClosesSharedLower, UnmodifiedHandleIfs
from wspshare.properties.smt.layers import LayeredTwin
from wspshare.properties.smt.state import Bounds
from wspshare.properties.smt.twin import Twin


def small(layers: int) -> Bounds:
    return Bounds(procs=2, threads=1, handles=3, sockets=1, shares=1, layers=layers)


def twin(cls: type[LayeredTwin], base: int, kinds: tuple[str, ...]) -> LayeredTwin:
    return cls(small(len(kinds)), base, kinds, clients_name_the_top=True)


def test_the_plain_twin_proves_the_seed_formulas() -> None:
    plain = formulas_for(Twin(Bounds()))
    layered = formulas_for(twin(LayeredTwin, 1001, ("ifs",)))
    assert "top-of-chain" not in plain and "S6-layer-contexts" not in plain
    assert {"top-of-chain", "layer-references", "S6-layer-contexts"} <= set(layered)


def test_closing_through_an_ifs_layer_keeps_its_contexts_exact() -> None:
    """The query that needs S6: a close through an IFS layer leaves no context standing on the
    handle it closed."""
    result = prove(
        twin(LayeredTwin, 1001, ("ifs",)), formulas=["layer-references"], actions=["WSPCloseSocket"]
    )
    assert result.holds


def test_a_layer_that_closes_the_shared_lower_socket_is_refuted_under_close() -> None:
    result = prove(
        twin(ClosesSharedLower, 1001, ("non-ifs",)),
        formulas=["open-iff-referenced"],
        actions=["WSPCloseSocket"],
    )
    assert not result.holds and result.ctis[0].action == "WSPCloseSocket"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("base", "kinds"),
    [(1001, ("non-ifs",)), (1001, ("ifs",)), (1002, ("non-ifs",)), (1001, ("non-ifs", "ifs"))],
)
def test_every_invariant_is_inductive_through_a_chain(base: int, kinds: tuple[str, ...]) -> None:
    result = prove(twin(LayeredTwin, base, kinds), timeout_ms=120_000)
    assert result.initial_ok
    assert result.ctis == [] and result.unknown == []
    assert result.holds


@pytest.mark.slow
def test_an_ifs_layer_that_skips_the_modification_is_refuted() -> None:
    result = prove(twin(UnmodifiedHandleIfs, 1001, ("ifs",)), timeout_ms=120_000)
    assert not result.holds
    assert {c.formula for c in result.ctis} & {"top-of-chain", "layer-references"}
