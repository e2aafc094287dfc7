"""The twin and the executable semantics of a seeded bug, side by side, at given bounds."""

from __future__ import annotations

from wspshare.models.errors import ModelError
from wspshare.models.semantics import Semantics
from wspshare.models.variants import VARIANTS
from wspshare.properties.smt.layer_mutations import LAYER_MUTATIONS, layered_twin_for
from wspshare.properties.smt.mutations import MUTATIONS, PROTOCOL_ONLY
from wspshare.properties.smt.state import Bounds
from wspshare.properties.smt.twin import Twin

CORRECT = "correct"


def twin_for(variant: str, bounds: Bounds) -> Twin:
    """The twin of ``variant``; a variant that only changes the programs gets the correct twin."""
    if variant == CORRECT or variant in PROTOCOL_ONLY:
        return Twin(bounds)
    if variant in MUTATIONS:
        return MUTATIONS[variant](bounds)
    if variant in LAYER_MUTATIONS:  # over the witness's chain (properties.smt.layers)
        return layered_twin_for(variant, bounds)
    names = ", ".join([CORRECT, *MUTATIONS, *LAYER_MUTATIONS, *PROTOCOL_ONLY])
    raise ModelError(f"unknown variant {variant!r}; choose one of {names}")


def changes_transitions(variant: str) -> bool:
    return variant in MUTATIONS or variant in LAYER_MUTATIONS


def semantics_for(variant: str, bounds: Bounds) -> Semantics:
    """The variant's ``Semantics`` with handle tables of ``bounds.handles`` values."""
    sem = VARIANTS[variant].semantics() if variant in VARIANTS else Semantics()
    kernel = type(sem.kernel)(max_handles=bounds.handles)
    return Semantics(providers=sem.providers, kernel=kernel, switch_type=sem.switch_type)
