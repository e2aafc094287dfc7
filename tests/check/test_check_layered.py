"""The layered configuration (R16): every property holds through correct chains of one and two
layers over both base providers, with faults off and on; the chain's properties are checked only
where a layer is installed; symmetry stays sound with layers' contexts renamed by the layer."""

from __future__ import annotations

import itertools

import pytest
from wspshare.models.scenario.symmetry import _permute, canonical, symmetry_sound
from wspshare.properties.checker import check, reachable_states
from wspshare.properties.configs import Switches, model_for

from wspshare.cli import main

CHAINS = [
    ("ifs", ("non-ifs",)),
    ("ifs", ("ifs",)),
    ("ifs", ("non-ifs", "non-ifs")),
    ("ifs", ("ifs", "ifs")),
    ("ifs", ("non-ifs", "ifs")),
    ("non-ifs", ("non-ifs",)),
    ("non-ifs", ("non-ifs", "non-ifs")),
]
IDS = [f"{base}-{'-'.join(layers)}" for base, layers in CHAINS]
LAYER_PROPERTIES = {"top-of-chain", "layer-references"}


@pytest.mark.parametrize(("base", "layers"), CHAINS, ids=IDS)
def test_the_seeds_handoff_through_a_chain_holds_with_the_seeds_state_count(
    base: str, layers: tuple[str, ...]
) -> None:
    # The layers add descriptors and contexts, never an interleaving: each layer's work is
    # part of the call that reaches it, so the state space is the seed's (29 states).
    result = check(model_for("layered", Switches(provider=base, chain=layers)))
    assert result.ok and result.complete and result.deadlock_count == 0
    assert {r.name for r in result.properties} >= LAYER_PROPERTIES
    assert result.statistics.states == 29


@pytest.mark.parametrize(("base", "layers"), CHAINS, ids=IDS)
def test_a_chain_holds_with_a_crash_a_lost_and_a_duplicated_message(
    base: str, layers: tuple[str, ...]
) -> None:
    switches = Switches(provider=base, chain=layers, crash=1, lose=1, duplicate=1)
    assert check(model_for("layered", switches)).ok


@pytest.mark.slow
@pytest.mark.parametrize(("base", "layers"), CHAINS, ids=IDS)
def test_a_chain_holds_with_every_fault_and_a_stranger(base: str, layers: tuple[str, ...]) -> None:
    switches = Switches(
        provider=base, chain=layers, crash=1, lose=1, duplicate=1, reorder=1, reuse_pid=1,
        exhaust=1, stranger=True,
    )  # fmt: skip
    result = check(model_for("layered", switches))
    assert result.ok and result.statistics.states == 32379  # the seed's with every fault


def test_the_late_reference_base_keeps_its_cost_under_a_layer() -> None:
    # M4's documented cost is the base's; a layer neither hides nor adds to it.
    switches = Switches(provider="non-ifs-claim", chain=("non-ifs",), crash=1)
    result = check(model_for("layered", switches))
    failed = {r.name for r in result.properties if r.path is not None}
    assert failed == {"no-premature-close"}


def test_the_chains_properties_are_claimed_only_where_a_layer_is_installed() -> None:
    plain = {p.name for p in model_for("handoff").properties()}
    assert not plain & LAYER_PROPERTIES
    layered = {p.name for p in model_for("handoff", Switches(chain=("non-ifs",))).properties()}
    assert layered == plain | LAYER_PROPERTIES


@pytest.mark.parametrize("layers", [("non-ifs",), ("ifs",)], ids=["non-ifs", "ifs"])
def test_symmetry_over_targets_is_sound_through_a_chain(layers: tuple[str, ...]) -> None:
    # The layer renames its own contexts (Provider.renamed); symmetry needs no edit for it.
    model = model_for("layered", Switches(targets=2, chain=layers))
    assert symmetry_sound(model) is None
    full, reduced = check(model), check(model, symmetry=True)
    assert full.ok and reduced.ok
    assert reduced.statistics.states < full.statistics.states
    states = reachable_states(model)
    seen = set(states)
    providers = model.semantics.providers
    for state in states:
        pids = [state.world.procs[1 + k].pid for k in range(2)]
        rep = canonical(model, state)
        assert rep in seen
        for order in itertools.permutations(range(2)):
            image = _permute(state, list(order), pids, providers)
            assert image in seen and canonical(model, image) == rep


def test_check_layered_exits_0_and_names_the_chain(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "layered", "--chain", "non-ifs,ifs", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "provider ifs, layers non-ifs,ifs over it (top first)" in out
    assert "top-of-chain" in out and "layer-references" in out


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--chain", "lsp"], "--chain: each layer is non-ifs or ifs"),
        (["--chain", "non-ifs,non-ifs,non-ifs,non-ifs,non-ifs"], "at most 4 layers"),
        (["--chain", "ifs", "--provider", "non-ifs"], "an IFS layer needs IFS handles"),
    ],
    ids=["unknown-layer", "too-many", "ifs-over-non-ifs"],
)
def test_a_bad_chain_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    code = main(["check", "layered", *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert says in err and len(err.strip().splitlines()) == 1


def test_a_chain_for_a_scenario_file_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pathlib import Path

    toml = Path(__file__).resolve().parents[2] / "scenarios" / "handoff.toml"
    code = main(["check", str(toml), "--chain", "non-ifs"])
    err = capsys.readouterr().err
    assert code == 2 and "--chain" in err and len(err.strip().splitlines()) == 1
