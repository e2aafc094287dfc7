"""The layered twin (``properties.smt.layers``) takes the same step as the executable semantics
on every call through a protocol chain, and its invariants read a layered world as the Python
properties do."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator

import pytest
from wspshare.models.calls import WSPCloseSocket, WSPDuplicateSocket, WSPSocket
from wspshare.models.providers.buggy import replace_provider
from wspshare.models.providers.layered_buggy import (
    ClosesSharedLowerLayer,
    PassThroughInfoLayer,
    UnmodifiedHandleIfsLayer,
)
from wspshare.models.semantics import Semantics
from wspshare.models.state import World
from wspshare.properties.invariants import world_violations
from wspshare.properties.smt import layer_worlds
from wspshare.properties.smt.concrete import evaluator
from wspshare.properties.smt.layer_concrete import (
    Step,
    compare,
    encode_layered,
    layered_fits,
    layered_semantics,
    layered_violations,
    python_step,
)
from wspshare.properties.smt.layer_invariants import LAYER_INVARIANTS
from wspshare.properties.smt.layers import LayeredTwin
from wspshare.properties.smt.state import Bounds, fresh
from wspshare.properties.smt.twin import Twin

# (base entry, layers top first): one and two layers of both kinds over both base designs.
CHAINS = (
    (1001, ("non-ifs",)),
    (1001, ("ifs",)),
    (1002, ("non-ifs",)),
    (1001, ("non-ifs", "ifs")),
    (1001, ("ifs", "ifs")),
    (1002, ("non-ifs", "non-ifs")),
)
# Two layers, one of each kind, over the IFS base: both designs in one chain for the quick test.
QUICK = (1001, ("non-ifs", "ifs"))
LAYERED_CALLS = (
    "WSPSocket", "claim", "WSPDuplicateSocket", "WSPCloseSocket", "WSPConnect", "WSPSend",
    "WSPRecv", "WSPSetSockOpt", "WSPGetSockOpt", "WSPEventSelect",
)  # fmt: skip


def bounds(layers: int) -> Bounds:
    return Bounds(procs=3, threads=1, handles=4, sockets=2, shares=2, layers=layers)


def machine(base: int, kinds: tuple[str, ...]) -> tuple[Semantics, LayeredTwin]:
    b = bounds(len(kinds))
    return layered_semantics(base, kinds, b.handles), LayeredTwin(b, base, kinds)


def with_layer(sem: Semantics, buggy: type, ifs: bool = False) -> Semantics:
    """``sem`` with its lsp1 replaced by a seeded bug of the same place in the chain."""
    lsp1 = sem.provider(2001)
    assert lsp1 is not None
    layer = buggy("lsp1", 2001, (2001, 1001), ifs)
    return Semantics(providers=replace_provider(sem.providers, layer), kernel=sem.kernel)


def scripted(
    sem: Semantics,
    twin: LayeredTwin,
    labels: dict[str, tuple[int, ...]] | None = None,
    client: bool = False,
) -> tuple[list[str], Counter[str]]:
    """Every menu step from the scripted handoff's worlds (``labels``: only these worlds, and
    in each only the steps of these slots): the mismatches, and the calls that succeeded in
    Python by twin action (so the success paths were compared, not only the errors)."""
    mismatches, succeeded = [], Counter[str]()
    for label, w, infos in layer_worlds.handoff(sem, twin):
        if labels is not None and label not in labels:
            continue
        for step in layer_worlds.menu(w, infos, twin, client):
            if labels is not None and step.slot not in labels[label]:
                continue
            _, result, name, _ = python_step(sem, w, step)
            if result is not None and result.ok:
                succeeded[name] += 1
            found = compare(twin, sem, w, step)
            if found is not None:
                mismatches.append(f"{label}: {found}")
    return mismatches, succeeded


def test_the_plain_twin_has_no_layer_state_or_argument() -> None:
    """Without layers in the bounds the seed's proofs see the very terms they saw before."""
    s = fresh(Bounds(), "t")
    assert s.ctx == [] and s.ctx_lower == []
    assert "chained" not in Twin(Bounds()).actions["claim"][0]
    assert "chained" in LayeredTwin(bounds(1)).actions["claim"][0]


def test_twin_and_semantics_agree_through_a_chain_of_both_kinds_of_layer() -> None:
    """A client's calls from the duplicated and connected worlds of a handoff through a non-IFS
    layer over an IFS layer over the IFS base; every call of the chain succeeds at least once.
    (The slow tier tries every call on every value, every chain.)"""
    sem, twin = machine(*QUICK)
    only = {"duplicated": (0, 1), "connected": (1,)}  # the source, the claim, the target
    mismatches, succeeded = scripted(sem, twin, only, client=True)
    assert mismatches == []
    for action in LAYERED_CALLS:
        assert succeeded[action] > 0, f"{action} never succeeded: {succeeded}"


@pytest.mark.slow
@pytest.mark.parametrize(("base", "kinds"), CHAINS)
def test_twin_and_semantics_agree_on_every_scripted_step(base: int, kinds: tuple[str, ...]) -> None:
    sem, twin = machine(base, kinds)
    mismatches, succeeded = scripted(sem, twin)
    assert mismatches == []
    for action in LAYERED_CALLS:
        assert succeeded[action] > 0, f"{action} never succeeded: {succeeded}"


def random_steps(
    sem: Semantics, twin: LayeredTwin, histories: int, length: int, seed: int
) -> Iterator[tuple[World, Step]]:
    rng = random.Random(seed)
    for _ in range(histories):
        yield from layer_worlds.random_history(sem, twin, rng, length)


def agree_on_random_histories(
    base: int, kinds: tuple[str, ...], histories: int, length: int, seed: int
) -> Counter[str]:
    sem, twin = machine(base, kinds)
    mismatches, succeeded = [], Counter[str]()
    for w, step in random_steps(sem, twin, histories, length, seed):
        _, result, name, _ = python_step(sem, w, step)
        if result is not None and result.ok:
            succeeded[name] += 1
        found = compare(twin, sem, w, step)
        if found is not None:
            mismatches.append(found)
    assert mismatches == []
    return succeeded


def test_twin_and_semantics_agree_on_a_random_layered_history() -> None:
    succeeded = agree_on_random_histories(*QUICK, histories=1, length=20, seed=2)
    for action in ("WSPSocket", "claim", "WSPDuplicateSocket", "WSPCloseSocket"):
        assert succeeded[action] > 0, f"{action} never succeeded: {succeeded}"


@pytest.mark.slow
@pytest.mark.parametrize(("base", "kinds"), CHAINS)
def test_twin_and_semantics_agree_on_random_layered_histories(
    base: int, kinds: tuple[str, ...]
) -> None:
    succeeded = agree_on_random_histories(base, kinds, histories=8, length=25, seed=len(kinds))
    for action in ("WSPSocket", "claim", "WSPDuplicateSocket", "WSPCloseSocket"):
        assert succeeded[action] > 0, f"{action} never succeeded: {succeeded}"


def test_crosscheck_notices_a_layer_that_closes_the_shared_lower_socket() -> None:
    """The comparison can fail: after the claim, the buggy layer's close of the source's
    descriptor closes the base socket the target still holds; the correct twin does not."""
    sem, twin = machine(1001, ("non-ifs",))
    buggy = with_layer(sem, ClosesSharedLowerLayer)
    _, w, _ = next(x for x in layer_worlds.handoff(buggy, twin) if x[0] == "claimed")
    source = min(h.value for h in w.procs[0].handles if h.catalog == 2001)
    found = compare(twin, buggy, w, Step("call", 0, 0, WSPCloseSocket(source)))
    assert found is not None and "WSPCloseSocket" in found


def python_verdicts(sem: Semantics, w: World) -> set[str]:
    return {n for n, _ in world_violations(sem, w)} | set(layered_violations(sem, w))


def twin_verdicts(sem: Semantics, twin: LayeredTwin, w: World) -> set[str]:
    ev, s = evaluator(), encode_layered(w, sem, twin)
    return {n for n, (_, f) in LAYER_INVARIANTS.items() if not ev(f(twin, s))}


def invariant_disagreements(sem: Semantics, twin: LayeredTwin, worlds: list[World]) -> list[str]:
    """Where the twin's invariants and the Python properties read a world differently.  The
    twin's common-state reads through the base's descriptors only, so it may hold where
    Python's fails, never the other way round."""
    out = []
    for w in worlds:
        if not layered_fits(w, sem, twin):
            continue
        want, got = python_verdicts(sem, w), twin_verdicts(sem, twin, w)
        if "common-state" in want - got:
            got |= {"common-state"}
        if want != got:
            out.append(f"python {sorted(want)}, twin {sorted(got)} in {w}")
    return out


def handoff_and_menu_worlds(
    sem: Semantics, twin: LayeredTwin, successors: bool = True
) -> list[World]:
    """The handoff's worlds and every successor of a client's creations, claims, duplicates and
    closes tried from them (a client that names the base below a layer breaks top-of-chain
    itself, and closing what a layer keeps behind its descriptor breaks layer-references)."""
    out = []
    for _, w, infos in layer_worlds.handoff(sem, twin):
        out.append(w)
        if not successors:
            continue
        for step in layer_worlds.menu(w, infos, twin, client=True):
            if isinstance(step.call, WSPCloseSocket | WSPDuplicateSocket | WSPSocket):
                out.append(python_step(sem, w, step)[0])
    return out


SLOW = pytest.mark.slow


@pytest.mark.parametrize(
    ("kinds", "buggy", "broken", "successors"),
    [
        # The handoff's own worlds only: its last step is the source's close the bug spoils.
        (("non-ifs",), ClosesSharedLowerLayer, {"open-iff-referenced", "descriptor-validity"}, 0),
        pytest.param(("non-ifs",), None, set(), 1, marks=SLOW),
        pytest.param(("ifs",), None, set(), 1, marks=SLOW),
        pytest.param(("non-ifs", "ifs"), None, set(), 1, marks=SLOW),
        pytest.param(("non-ifs",), ClosesSharedLowerLayer, {"open-iff-referenced"}, 1, marks=SLOW),
        pytest.param(("non-ifs",), PassThroughInfoLayer, {"top-of-chain"}, 1, marks=SLOW),
        pytest.param(
            ("ifs",), UnmodifiedHandleIfsLayer, {"top-of-chain", "layer-references"}, 1, marks=SLOW
        ),
    ],
)
def test_the_twins_invariants_read_layered_worlds_as_python_does(
    kinds: tuple[str, ...], buggy: type | None, broken: set[str], successors: int
) -> None:
    """Over the handoff's worlds (and their successors), correct and buggy: a seeded LSP bug's
    worlds break the properties it is caught by, in both readings; the correct chain's none."""
    sem, twin = machine(1001, kinds)
    if buggy is not None:
        sem = with_layer(sem, buggy, ifs=kinds == ("ifs",))
    worlds = handoff_and_menu_worlds(sem, twin, bool(successors))
    assert invariant_disagreements(sem, twin, worlds) == []
    seen = set().union(*(twin_verdicts(sem, twin, w) for w in worlds if layered_fits(w, sem, twin)))
    assert broken <= seen
    if buggy is None:
        assert seen == set()
