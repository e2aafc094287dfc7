"""BMC over a layered twin: the seeded LSP bugs it can express are found with a path that replays
in Python to the same violation; a correct chain has no path at small depth for clients of the
top; a client that names the base below a layer is found bypassing it at once."""

from __future__ import annotations

from dataclasses import replace

import pytest
from wspshare.properties.smt.bmc import bmc, bounds_for, replay
from wspshare.properties.smt.layer_concrete import layered_semantics
from wspshare.properties.smt.layer_mutations import LAYER_MUTATIONS
from wspshare.properties.smt.layers import LayeredTwin
from wspshare.properties.smt.variants import semantics_for, twin_for

# One socket, two values per table, no spare slot: a chain's unrolling stays within minutes.
SMALL = {"handles": 2, "sockets": 1, "spare": 0}
EXPECTED = {
    "lsp-closes-shared-lower": "open-iff-referenced",  # create, duplicate, close: 3 steps
    "lsp-ifs-unmodified-handle": "top-of-chain",  # the creation itself: 1 step
}
DEPTH = 6


def test_every_layer_mutation_is_covered() -> None:
    assert set(EXPECTED) == set(LAYER_MUTATIONS)


@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted(EXPECTED))
def test_bmc_finds_the_lsp_bug_and_its_path_replays(variant: str) -> None:
    b = bounds_for("handoff", **SMALL)
    sem, twin = semantics_for(variant, b), twin_for(variant, b)
    assert isinstance(twin, LayeredTwin)
    result = bmc(twin, sem, "handoff", DEPTH, timeout_ms=600_000)
    assert result.path is not None
    assert EXPECTED[variant] in result.violated
    assert EXPECTED[variant] in replay(sem, "handoff", result.path).violated


@pytest.mark.slow
@pytest.mark.parametrize(
    ("base", "kinds"), [(1001, ("non-ifs",)), (1001, ("ifs",)), (1002, ("non-ifs",))]
)
def test_no_path_for_a_correct_chain_at_small_depth(base: int, kinds: tuple[str, ...]) -> None:
    b = replace(bounds_for("handoff", **SMALL), layers=len(kinds))
    sem = layered_semantics(base, kinds, b.handles)
    twin = LayeredTwin(b, base, kinds, clients_name_the_top=True)
    assert bmc(twin, sem, "handoff", 2, timeout_ms=600_000).holds


def test_a_client_that_names_the_base_bypasses_the_layer() -> None:
    """Why BMC asks for clients of the top: one that creates through the base entry gets a
    descriptor a layer sits on (top-of-chain), in the twin and in Python alike."""
    b = replace(bounds_for("handoff", **SMALL), layers=1)
    sem = layered_semantics(1001, ("non-ifs",), b.handles)
    twin = LayeredTwin(b, 1001, ("non-ifs",), clients_name_the_top=False)
    result = bmc(twin, sem, "handoff", 1)
    assert result.path is not None and len(result.path) == 1
    assert "top-of-chain" in result.violated
    assert "top-of-chain" in replay(sem, "handoff", result.path).violated
