"""A scenario file's properties, and "a configuration name or a file" resolved to a model.

Every world invariant of SPEC "What must hold" applies to a scenario file as it does to the
built-in handoff (they look only at the ``World``).  The scenario-level claims are what a file
can say without roles: the results it claims (``expect``) come in every interleaving, nothing
is left when every program has finished (no leak; after a fault, only references held for an
info never claimed, as for the handoff), and, without faults, every fair behaviour finishes.
"""

from __future__ import annotations

from dataclasses import astuple, replace
from functools import partial
from pathlib import Path

from wspshare.models.errors import ModelError
from wspshare.models.protocol import Expectation, Property
from wspshare.models.scenario.config import Faults
from wspshare.models.scenario_data import ScenarioModel, ScenarioState, load_scenario
from wspshare.models.semantics import Semantics
from wspshare.models.state import HandleKind, SocketStatus
from wspshare.models.variants import CORRECT, variant_named
from wspshare.properties.handoff import WORLD_CHECKS, WORLD_RULES
from wspshare.properties.invariants import Diagnosis


def is_scenario_file(name: str) -> bool:
    """A command-line word names a scenario file: it ends in ``.toml`` or is an existing file,
    and is not the name of a built-in configuration (a file called ``handoff`` in the working
    directory does not shadow the built-in one)."""
    from wspshare.properties.configs import CONFIGS

    return name not in CONFIGS and (name.endswith(".toml") or Path(name).is_file())


def expectations(model: ScenarioModel, s: ScenarioState) -> Diagnosis:
    """Every result the file claims is the result the step gets."""
    return s.surprise or None


def no_leak(model: ScenarioModel, s: ScenarioState) -> Diagnosis:
    """R7, R11: once every program has finished, no socket handle, share or open socket is
    left; after a fault, only what is held for an info never claimed may remain."""
    if not model.is_final(s):
        return None
    w = s.world
    for slot, proc in enumerate(w.procs):
        for h in proc.handles:
            if h.kind is HandleKind.PENDING and s.faulted:
                continue
            name = (
                model.scenario.processes[slot].name
                if slot < len(model.scenario.processes)
                else f"P{slot}"
            )
            return f"{name} still holds handle {h.value} ({h.kind.name}) at the end"
    for provider, state in zip(model.semantics.providers, w.providers, strict=True):
        for claim in provider.pending_claims(state):
            if not s.faulted:
                return f"{provider.name} still keeps a share of socket {claim.sock} at the end"
    if not s.faulted:
        for i, sock in enumerate(w.sockets):
            if sock.status is not SocketStatus.CLOSED:
                return f"socket {i} is still open at the end with {sock.refs} references"
    return None


def _world(check: object, model: ScenarioModel, s: ScenarioState) -> bool:
    return check(model.semantics, s.world) is None  # type: ignore[operator]


def _scenario(check: object, model: ScenarioModel, s: ScenarioState) -> bool:
    return check(model, s) is None  # type: ignore[operator]


def _finishes(model: ScenarioModel, s: ScenarioState) -> bool:
    return s.faulted or model.is_final(s)


def scenario_properties(model: ScenarioModel) -> list[Property[ScenarioState]]:
    props: list[Property[ScenarioState]] = []
    for name, check in WORLD_CHECKS.items():
        doc = (check.__doc__ or "").strip().splitlines()[0]
        props.append(
            Property(
                name, WORLD_RULES[name], Expectation.ALWAYS, partial(_world, check, model), doc
            )
        )
    for name, rule, scheck in (
        ("expectations", "file", expectations),
        ("no-leak", "R7, R11", no_leak),
    ):
        doc = (scheck.__doc__ or "").strip().splitlines()[0]
        props.append(
            Property(name, rule, Expectation.ALWAYS, partial(_scenario, scheck, model), doc)
        )
    props.append(
        Property(
            "scenario-finishes",
            "R1",
            Expectation.EVENTUALLY,
            partial(_finishes, model),
            "without faults, every fair behaviour runs every program to its end",
        )
    )
    return props


def scenario_model(
    path: str,
    variant: str = CORRECT,
    provider: str | None = None,
    faults: Faults | None = None,
    profile: str | None = None,
) -> ScenarioModel:
    """The checkable model of scenario file ``path``; ``variant`` runs it on a seeded bug's
    semantics (``models.variants``: its provider, kernel or switch), ``provider`` and
    ``profile`` override the file's."""
    scenario = load_scenario(path)
    if provider is not None:
        scenario = replace(scenario, provider=provider)
    if profile is not None:
        scenario = replace(scenario, profile=profile)
    if faults is not None:  # a budget from the command line adds to the file's own
        mine, more = astuple(scenario.faults), astuple(faults)
        budgets = (max(a, b) for a, b in zip(mine, more, strict=True))
        scenario = replace(scenario, faults=Faults(*budgets))
    semantics = Semantics() if variant == CORRECT else variant_named(variant).semantics()
    if variant != CORRECT and variant_named(variant).mutates == "scenario":
        raise ModelError(
            f"{variant} mutates the built-in handoff's programs, not the machine: "
            "a scenario file brings its own programs"
        )
    model = ScenarioModel(scenario, semantics)
    return model.with_properties(scenario_properties(model))
