"""The layered call machine (R16) passes through correct chains and finds the LSP bugs that show
in arbitrary calls, each with a short shrunk history."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test
from wspshare.models.providers.layered import install_chain, top_of_chain
from wspshare.models.semantics import Semantics, standard_providers
from wspshare.models.variants import variant_named
from wspshare.properties.stateful import profiles
from wspshare.properties.stateful.layered_machine import layered_machine
from wspshare.properties.stateful.run import find_failure

SETTINGS = profiles.load()
# A bug needs three to five particular calls in a row among eight rules; the ci profile's 30
# examples rarely draw them, 300 do (derandomized, so the same ones every run).
HUNT = settings(SETTINGS, max_examples=300)


@pytest.mark.parametrize(
    ("base", "layers"),
    [("ifs", ("non-ifs",)), ("ifs", ("non-ifs", "ifs")), ("non-ifs", ("non-ifs", "non-ifs"))],
    ids=["non-ifs-over-ifs", "non-ifs-over-ifs-over-ifs", "two-non-ifs-over-non-ifs"],
)
def test_the_layered_machine_passes_through_correct_chains(
    base: str, layers: tuple[str, ...]
) -> None:
    def make() -> Semantics:
        return Semantics(providers=install_chain(standard_providers(), base, layers))

    top = make().provider_named(top_of_chain(base, layers)).catalog_id
    run_state_machine_as_test(layered_machine(make, top), settings=SETTINGS)


@pytest.mark.parametrize(
    ("name", "caught", "longest"),
    [
        # create, duplicate, claim: about 30 s on a loaded machine
        pytest.param("lsp-info-passthrough", "top-of-chain", 4, marks=pytest.mark.slow),
        # ... and close one of the two: about a minute
        pytest.param("lsp-closes-shared-lower", "open-iff-referenced", 5, marks=pytest.mark.slow),
        ("lsp-ifs-unmodified-handle", "top-of-chain", 1),  # the first creation
    ],
)
def test_the_layered_machine_finds_the_lsp_bugs_of_single_calls(
    name: str, caught: str, longest: int
) -> None:
    variant = variant_named(name)
    failure = find_failure(layered_machine(variant.semantics, 2001), HUNT)
    assert failure is not None
    assert failure.name == caught
    assert len(failure.trace) <= longest
