"""The seeded-bug catalogue: every variant's bug is reachable in its witness configuration and
caught by the property it names; the correct machine in the same configuration shows nothing."""

from __future__ import annotations

import pytest
from wspshare.models.errors import ModelError
from wspshare.models.kernel import Kernel
from wspshare.models.protocol import Expectation
from wspshare.models.providers import IfsProvider, NonIfsProvider
from wspshare.models.providers.layered import LayeredProvider
from wspshare.models.scenario import Action, Faults, HandoffModel, HandoffState
from wspshare.models.semantics import standard_providers
from wspshare.models.variants import CATALOGUE, CORRECT, VARIANTS, Variant, mutants, variant_named
from wspshare.properties.checker import CheckResult, Verdict, check
from wspshare.properties.handoff import checkable, handoff_properties, violations

MUTANTS = mutants()

# SPEC "Bugs the model must be able to express", one variant (or two for "twice or not at all",
# and for the two upcalls) each.
SPEC_BUGS = {
    "close-before-claim",  # the source closes before the target claimed, late-reference provider
    "accept-twice",  # the protocol info is accepted twice
    "no-pid-check",  # the target pid is not checked
    "skip-modify-ifs-handle",  # a provider skips WPUModifyIFSHandle ...
    "skip-create-socket-handle",  # ... or WPUCreateSocketHandle
    "close-drops-twice",  # close drops the count twice ...
    "close-drops-none",  # ... or not at all
    "no-rundown",  # process exit does not run down handles
    "per-descriptor-options",  # options copied per descriptor instead of shared
    "per-descriptor-events",  # event registration copied per descriptor
    "stale-handle-reuse",  # a stale handle value is used after close and reuse
    "no-pid-pin",  # the info reaches a process that reused the target's pid
}


def full_check(model: HandoffModel) -> CheckResult[HandoffState, Action]:
    return check(checkable(model))


# --- every bug is reachable and caught -----------------------------------------------------------
@pytest.mark.parametrize("variant", MUTANTS, ids=lambda v: v.name)
def test_variant_is_caught_by_the_property_it_names(variant: Variant) -> None:
    model = variant.model()
    result = full_check(model)
    assert result.complete
    for name in variant.caught_by:
        found = result[name]
        assert found.verdict is Verdict.VIOLATED, f"{variant.name}: {name} {found.verdict}"
        # The counterexample ends in a state the property's own diagnosis condemns, so the
        # verdict is not an artefact of the checker.
        assert found.path is not None
        assert name in {n for n, _ in violations(model, found.path.last)}


# --- the control: no false alarm -----------------------------------------------------------------
@pytest.mark.parametrize("variant", CATALOGUE, ids=lambda v: v.name)
def test_correct_machine_in_the_witness_configuration_violates_nothing(variant: Variant) -> None:
    result = full_check(variant.control())
    assert result.complete
    assert result.ok, {r.name: r.verdict.value for r in result.properties if r.failed}


def test_correct_entry_is_the_unmutated_machine() -> None:
    correct = VARIANTS[CORRECT]
    assert correct.mutates == "nothing"
    assert correct.caught_by == ()
    mutated = full_check(correct.model())
    plain = full_check(HandoffModel(correct.witness))
    assert mutated.ok
    assert mutated.statistics.states == plain.statistics.states
    assert mutated.statistics.transitions == plain.statistics.transitions


# --- the witness is what makes the bug reachable --------------------------------------------------
@pytest.mark.parametrize(
    ("name", "without"),
    [
        ("no-rundown", {"faults": Faults()}),
        ("stale-handle-reuse", {"threads": 1}),  # no helper thread, no stale value
        ("no-pid-check", {"stranger": False}),  # nobody else tries the token
        ("close-before-claim", {"provider": "non-ifs"}),  # a reference held from duplication
        ("ack-before-claim", {"provider": "ifs"}),  # the duplicated handle holds the socket
    ],
)
def test_bug_needs_its_witness_configuration(name: str, without: dict[str, object]) -> None:
    variant = variant_named(name)
    result = full_check(variant.model(variant.witness.with_(**without)))
    assert result.complete
    assert not any(result[p].verdict is Verdict.VIOLATED for p in variant.caught_by)


def test_dispatch_by_value_is_invisible_without_a_process_probing_foreign_values() -> None:
    variant = variant_named("switch-dispatch-by-value")
    plain = HandoffModel(variant.config(), variant.semantics())  # the ordinary stranger
    assert full_check(plain)["no-stale-use"].verdict is Verdict.HOLDS


# --- the registry ---------------------------------------------------------------------------------
def test_every_spec_bug_has_a_variant_and_at_least_six_more_exist() -> None:
    spec = {v.name for v in MUTANTS if v.spec_bug}
    assert spec == SPEC_BUGS
    assert len([v for v in MUTANTS if not v.spec_bug]) >= 6


def test_unknown_variant_name_is_a_model_error_listing_the_names() -> None:
    with pytest.raises(ModelError) as err:
        variant_named("close-twice")
    message = str(err.value)
    assert "'close-twice'" in message
    assert all(name in message for name in VARIANTS)


@pytest.mark.parametrize("variant", MUTANTS, ids=lambda v: v.name)
def test_description_says_the_mistake_and_what_a_user_would_see(variant: Variant) -> None:
    mistake, _, consequence = variant.description.partition("\n\n")
    assert mistake.strip() and variant.summary
    assert "Real system:" in consequence


@pytest.mark.parametrize("variant", MUTANTS, ids=lambda v: v.name)
def test_variant_mutates_exactly_one_part(variant: Variant) -> None:
    sem = variant.semantics()
    programs = variant.programs()
    changed = {
        "provider": [type(p) for p in sem.providers] != [type(p) for p in standard_providers()],
        "kernel": type(sem.kernel) is not Kernel,
        "switch": sem.switch_type is not variant.environment.switch_type,
        "scenario": variant.config() != variant.witness.with_(variant=variant.name)
        or (type(programs.source), type(programs.target))
        != (type(variant.control().programs.source), type(variant.control().programs.target)),
    }
    assert [part for part, yes in changed.items() if yes] == [variant.mutates]


@pytest.mark.parametrize(
    "variant", [v for v in MUTANTS if v.mutates == "provider"], ids=lambda v: v.name
)
def test_buggy_provider_is_selected_by_the_name_of_the_provider_it_mutates(
    variant: Variant,
) -> None:
    model = variant.model()
    buggy = model.provider
    correct = variant.control().provider
    assert (buggy.name, buggy.catalog_id) == (correct.name, correct.catalog_id)
    assert type(buggy) is not type(correct)
    assert isinstance(buggy, IfsProvider | NonIfsProvider | LayeredProvider)


def test_model_is_named_after_its_variant_and_control_after_correct() -> None:
    variant = variant_named("no-pid-pin")
    assert variant.model().config.variant == "no-pid-pin"
    assert variant.model().config.pin is False  # the mistake itself
    assert variant.control().config.variant == CORRECT
    assert variant.control().config.pin is True


def test_safety_properties_are_all_named_in_the_catalogue() -> None:
    """Every ALWAYS property is the named catcher of at least one variant, so none is dead."""
    always = {
        p.name for p in handoff_properties(HandoffModel()) if p.expectation is Expectation.ALWAYS
    }
    named = {name for v in MUTANTS for name in v.caught_by}
    assert always <= named, always - named
