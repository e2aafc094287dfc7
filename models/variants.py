"""The seeded-bug catalogue: every mistake the checkers must catch, selected by name.

A ``Variant`` is a named mutation of one part of the machine (a provider, the kernel, the switch,
or the scenario's programs and flags), plus the *witness configuration* in which the mistake is
reachable: the provider, faults, threads or stranger its bug needs.  ``variant.model()`` builds the
mutated ``HandoffModel``; ``variant.control()`` builds the correct machine in the same
configuration and environment, which must show no violation (the kill matrix's control row).
The mutated classes live beside what they mutate (``models.providers.buggy``,
``models.kernel_variants``, ``models.switch_variants``, ``models.scenario.variants``); their
docstrings say what the mistake is and what a user of a real system would see.

``caught_by`` names the properties (of ``properties.handoff``) that the witness violates; models
does not import properties, so they are plain names here, and the catalogue's tests check them.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Literal

from wspshare.models.errors import ModelError
from wspshare.models.kernel import Kernel
from wspshare.models.kernel_variants import (
    CloseAtOneKernel,
    CloseDropsNoneKernel,
    CloseDropsTwiceKernel,
    CrashDropsListenerKernel,
    NoRundownKernel,
    RundownSkipsPendingKernel,
)
from wspshare.models.providers import Provider
from wspshare.models.providers.buggy import (
    AcceptTwiceNonIfs,
    CloseFlushesBacklogIfs,
    DoubleAcceptIfs,
    DuplicateClosesSourceIfs,
    FreeOnSourceCloseNonIfs,
    KeepsDeadSharesNonIfs,
    NoPidCheckNonIfs,
    PeekingRecvFromNonIfs,
    PerDescriptorEventsIfs,
    PerDescriptorOptionsIfs,
    PreModificationIfs,
    SkipCreateSocketHandleNonIfs,
    SkipModifyIfs,
    replace_provider,
)
from wspshare.models.providers.layered import LayeredProvider, install_chain
from wspshare.models.providers.layered_buggy import (
    ClosesSharedLowerLayer,
    PassThroughInfoLayer,
    ProcessTableLayer,
    SourceCatalogOnlyLayer,
    UnmodifiedHandleIfsLayer,
    rebuilt_as,
)
from wspshare.models.scenario import Faults, HandoffModel, Programs, ScenarioConfig
from wspshare.models.scenario.roles.source import SourceProgram
from wspshare.models.scenario.roles.stranger import StrangerProgram
from wspshare.models.scenario.roles.target import TargetProgram
from wspshare.models.scenario.variants import (
    AckBeforeClaimTarget,
    NoJoinReuseSource,
    ProbingStranger,
)
from wspshare.models.semantics import Semantics, standard_providers
from wspshare.models.switch import Switch
from wspshare.models.switch_variants import ByValueSwitch, RenumberingSwitch

Mutates = Literal["nothing", "provider", "kernel", "switch", "scenario"]
ConfigChange = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class Environment:
    """What a witness needs around the mistake that is no mistake itself: a switch with a
    behaviour the documentation allows, or a stranger that behaves in a particular way.  The
    control runs in the same environment."""

    switch_type: type[Switch] = Switch
    stranger: type[StrangerProgram] = StrangerProgram


@dataclass(frozen=True)
class Mutation:
    """The one thing a variant changes; empty for the correct machine."""

    provider: Provider | None = None  # replaces the provider with the same catalog entry id
    kernel: Kernel | None = None
    switch_type: type[Switch] | None = None
    source: type[SourceProgram] | None = None
    target: type[TargetProgram] | None = None
    config: ConfigChange = ()  # scenario flags the protocol user gets wrong, e.g. (("ack", False),)

    @property
    def mutates(self) -> Mutates:
        parts: list[Mutates] = []
        if self.provider is not None:
            parts.append("provider")
        if self.kernel is not None:
            parts.append("kernel")
        if self.switch_type is not None:
            parts.append("switch")
        if self.source is not None or self.target is not None or self.config:
            parts.append("scenario")
        if len(parts) > 1:
            raise ModelError(f"a variant mutates one part of the machine, this one {parts}")
        return parts[0] if parts else "nothing"

    def mutant(self) -> type | None:
        """The mutated class, whose docstring describes the mistake (None for a flag change)."""
        if self.provider is not None:
            return type(self.provider)
        if self.kernel is not None:
            return type(self.kernel)
        return self.switch_type or self.source or self.target


@dataclass(frozen=True)
class Variant:
    """A named seeded bug (or the correct control) with the configuration that witnesses it."""

    name: str
    spec_bug: bool  # listed in SPEC "Bugs the model must be able to express"
    caught_by: tuple[str, ...]  # properties the witness violates, the most direct first
    witness: ScenarioConfig
    mutation: Mutation = field(default_factory=Mutation)
    environment: Environment = field(default_factory=Environment)
    doc: str = ""  # the description, for a mutation that has no class of its own

    @property
    def mutates(self) -> Mutates:
        return self.mutation.mutates

    @property
    def description(self) -> str:
        """What the mistake is and what a user would see go wrong on a real system."""
        mutant = self.mutation.mutant()
        return self.doc or (inspect.getdoc(mutant) or "" if mutant is not None else "")

    @property
    def summary(self) -> str:
        """The description's first sentence, for one-line listings."""
        return " ".join(self.description.split("\n\n")[0].split())

    def semantics(self, config: ScenarioConfig | None = None) -> Semantics:
        """The mutated machine; with a protocol chain in ``config`` (the witness by default),
        its layers are installed first, so a buggy layer takes its place in that chain."""
        m = self.mutation
        providers = standard_providers()
        chained = config or self.witness
        if chained.chain:
            providers = install_chain(providers, chained.provider, chained.chain)
        if m.provider is not None:
            providers = replace_provider(providers, placed(m.provider, providers))
        return Semantics(
            providers=providers,
            kernel=m.kernel or Kernel(),
            switch_type=m.switch_type or self.environment.switch_type,
        )

    def programs(self) -> Programs:
        m = self.mutation
        return Programs(
            source=(m.source or SourceProgram)(),
            target=(m.target or TargetProgram)(),
            stranger=self.environment.stranger(),
        )

    def config(self, base: ScenarioConfig | None = None) -> ScenarioConfig:
        """``base`` (the witness by default) with the mutation's flags, named after the variant."""
        config = (base or self.witness).with_(variant=self.name)
        return config.with_(**dict(self.mutation.config)) if self.mutation.config else config

    def model(self, config: ScenarioConfig | None = None) -> HandoffModel:
        """The mutated handoff model, in ``config`` (the witness configuration by default)."""
        config = self.config(config)
        return HandoffModel(config, self.semantics(config), self.programs())

    def control(self, config: ScenarioConfig | None = None) -> HandoffModel:
        """The correct machine in the same configuration and environment."""
        config = (config or self.witness).with_(variant=CORRECT)
        semantics = Semantics(switch_type=self.environment.switch_type)
        return HandoffModel(config, semantics, Programs(stranger=self.environment.stranger()))


def placed(buggy: Provider, providers: tuple[Provider, ...]) -> Provider:
    """A buggy layer rebuilt in the shape of the installed layer it replaces (its chain)."""
    if not isinstance(buggy, LayeredProvider):
        return buggy
    installed = next((p for p in providers if p.catalog_id == buggy.catalog_id), buggy)
    return rebuilt_as(buggy, installed)


CORRECT = "correct"
IFS, NON_IFS, NON_IFS_CLAIM = "ifs", "non-ifs", "non-ifs-claim"
BASE = ScenarioConfig()
LISTENER = ScenarioConfig(targets=2, pattern="listener", clients=2)  # properties.configs' own
DATAGRAM = ScenarioConfig(targets=2, pattern="datagram", clients=2)
LAYERED = BASE.with_(chain=("non-ifs",))  # properties.configs' own: one non-IFS layer over ifs
LSP1_OVER_IFS = (2001, 1001)  # the chain of the layer right above the ifs base (lsp1)

CATALOGUE: tuple[Variant, ...] = (
    Variant(
        CORRECT,
        spec_bug=False,
        caught_by=(),
        witness=BASE.with_(stranger=True, faults=Faults(crash=1, duplicate=1, reuse_pid=1)),
        doc="The correct machine: standard providers, kernel, switch and programs.  Its row must "
        "show no violation in any checker.",
    ),
    # --- the bugs SPEC lists ----------------------------------------------------------------
    Variant(
        "close-before-claim",
        spec_bug=True,
        caught_by=("no-premature-close",),
        witness=BASE.with_(provider=NON_IFS_CLAIM),
        mutation=Mutation(config=(("ack", False),)),
        doc="The source closes its descriptor right after sending the protocol info, without "
        "waiting for the target's acknowledgement, with a provider that takes the target's "
        "reference only at claim (step 10's arrow dropped).\n\n"
        "Real system: if the source's closesocket runs before the target's WSPSocket, the "
        "connection is torn down (the peer sees it end) and the target's WSPSocket fails; it "
        "works whenever the target happens to be faster, so the bug is intermittent.",
    ),
    Variant(
        "accept-twice",
        spec_bug=True,
        caught_by=("single-use", "no-leak"),
        witness=BASE.with_(provider=NON_IFS, faults=Faults(duplicate=1)),
        mutation=Mutation(provider=AcceptTwiceNonIfs()),
    ),
    Variant(
        "no-pid-check",
        spec_bug=True,
        caught_by=("no-strangers",),
        witness=BASE.with_(provider=NON_IFS, stranger=True),
        mutation=Mutation(provider=NoPidCheckNonIfs()),
    ),
    Variant(
        "skip-modify-ifs-handle",
        spec_bug=True,
        caught_by=("provider-discipline",),
        witness=BASE.with_(provider=IFS),
        mutation=Mutation(provider=SkipModifyIfs()),
    ),
    Variant(
        "skip-create-socket-handle",
        spec_bug=True,
        caught_by=("provider-discipline", "descriptor-validity"),
        witness=BASE.with_(provider=NON_IFS),
        mutation=Mutation(provider=SkipCreateSocketHandleNonIfs()),
    ),
    Variant(
        "close-drops-twice",
        spec_bug=True,
        caught_by=("reference-count", "descriptor-validity"),
        witness=BASE.with_(provider=IFS),
        mutation=Mutation(kernel=CloseDropsTwiceKernel()),
    ),
    Variant(
        "close-drops-none",
        spec_bug=True,
        caught_by=("reference-count", "no-leak"),
        witness=BASE.with_(provider=IFS),
        mutation=Mutation(kernel=CloseDropsNoneKernel()),
    ),
    Variant(
        "close-at-one",
        spec_bug=False,
        caught_by=("open-iff-referenced", "descriptor-validity"),
        witness=BASE.with_(provider=IFS),
        mutation=Mutation(kernel=CloseAtOneKernel()),
    ),
    Variant(
        "no-rundown",
        spec_bug=True,
        caught_by=("descriptor-validity", "no-leak"),
        witness=BASE.with_(provider=IFS, faults=Faults(crash=1)),
        mutation=Mutation(kernel=NoRundownKernel()),
    ),
    Variant(
        "per-descriptor-options",
        spec_bug=True,
        caught_by=("common-state",),
        witness=BASE.with_(provider=IFS),
        mutation=Mutation(provider=PerDescriptorOptionsIfs()),
    ),
    Variant(
        "per-descriptor-events",
        spec_bug=True,
        caught_by=("single-registration",),
        witness=BASE.with_(provider=IFS),
        mutation=Mutation(provider=PerDescriptorEventsIfs()),
    ),
    Variant(
        "stale-handle-reuse",
        spec_bug=True,
        caught_by=("no-stale-use",),
        witness=BASE.with_(provider=IFS, threads=2),
        mutation=Mutation(source=NoJoinReuseSource),
    ),
    Variant(
        "no-pid-pin",
        spec_bug=True,
        caught_by=("no-strangers",),
        witness=BASE.with_(provider=IFS, faults=Faults(crash=1, reuse_pid=1)),
        mutation=Mutation(config=(("pin", False),)),
        doc="The source duplicates for the pid it was told without holding a handle to that "
        "process, so the pid can be reused between the reply and WSPDuplicateSocket.\n\n"
        "Real system: if the target dies and its pid goes to a new, unrelated process, the "
        "source's WSPDuplicateSocket hands that process a descriptor for the connection (an IFS "
        "provider duplicates straight into its handle table): data leaks to a stranger.",
    ),
    # --- further mistakes a provider writer or a protocol user could make --------------------
    Variant(
        "free-share-on-source-close",
        spec_bug=False,
        caught_by=("no-premature-close",),
        witness=BASE.with_(provider=NON_IFS, ack=False),
        mutation=Mutation(provider=FreeOnSourceCloseNonIfs()),
    ),
    Variant(
        "ifs-duplicate-closes-source",
        spec_bug=False,
        caught_by=("provider-discipline", "descriptor-validity"),
        witness=BASE.with_(provider=IFS),
        mutation=Mutation(provider=DuplicateClosesSourceIfs()),
    ),
    Variant(
        "pre-modification-handle",
        spec_bug=False,
        caught_by=("provider-discipline", "descriptor-validity"),
        witness=BASE.with_(provider=IFS),
        mutation=Mutation(provider=PreModificationIfs()),
        environment=Environment(switch_type=RenumberingSwitch),
    ),
    Variant(
        "ack-before-claim",
        spec_bug=False,
        caught_by=("no-premature-close",),
        witness=BASE.with_(provider=NON_IFS_CLAIM),
        mutation=Mutation(target=AckBeforeClaimTarget),
    ),
    Variant(
        "rundown-skips-pending",
        spec_bug=False,
        caught_by=("descriptor-validity",),
        witness=BASE.with_(provider=IFS, faults=Faults(crash=1)),
        mutation=Mutation(kernel=RundownSkipsPendingKernel()),
    ),
    Variant(
        "switch-dispatch-by-value",
        spec_bug=False,
        caught_by=("process-isolation", "no-stale-use"),
        witness=BASE.with_(provider=IFS, stranger=True),
        mutation=Mutation(switch_type=ByValueSwitch),
        environment=Environment(stranger=ProbingStranger),
    ),
    Variant(
        "keeps-dead-shares",
        spec_bug=False,
        caught_by=("no-strangers",),
        witness=BASE.with_(provider=NON_IFS, faults=Faults(crash=1, reuse_pid=1)),
        mutation=Mutation(provider=KeepsDeadSharesNonIfs()),
    ),
    # --- the patterns beyond the seed: a shared listening socket, a shared datagram socket --------
    Variant(
        "double-accept",
        spec_bug=False,
        caught_by=("accepted-once",),
        witness=LISTENER.with_(provider=IFS),
        mutation=Mutation(provider=DoubleAcceptIfs()),
    ),
    Variant(
        "crash-drops-listener",
        spec_bug=False,
        caught_by=("listener-held-open", "open-iff-referenced"),
        witness=LISTENER.with_(provider=IFS, faults=Faults(crash=1)),
        mutation=Mutation(kernel=CrashDropsListenerKernel()),
    ),
    Variant(
        "close-flushes-backlog",
        spec_bug=False,
        caught_by=("queue-kept",),
        witness=LISTENER.with_(provider=IFS),
        mutation=Mutation(provider=CloseFlushesBacklogIfs()),
    ),
    Variant(
        "datagram-peek",
        spec_bug=False,
        caught_by=("read-once",),
        witness=DATAGRAM.with_(provider=NON_IFS),
        mutation=Mutation(provider=PeekingRecvFromNonIfs()),
    ),
    # --- layered service providers (R16): the classic mistakes of real LSPs --------------------
    Variant(
        "lsp-info-passthrough",
        spec_bug=False,
        caught_by=("top-of-chain", "layer-references"),
        witness=LAYERED.with_(provider=IFS),
        mutation=Mutation(provider=PassThroughInfoLayer("lsp1", 2001, LSP1_OVER_IFS, False)),
    ),
    Variant(
        "lsp-source-catalog-only",
        spec_bug=False,
        caught_by=("no-leak",),
        witness=LAYERED.with_(provider=IFS),
        mutation=Mutation(provider=SourceCatalogOnlyLayer("lsp1", 2001, LSP1_OVER_IFS, False)),
    ),
    Variant(
        "lsp-context-lookup-misses",
        spec_bug=False,
        caught_by=("no-leak",),
        witness=LAYERED.with_(provider=NON_IFS),
        mutation=Mutation(provider=ProcessTableLayer("lsp1", 2001, (2001, 1002), False)),
    ),
    Variant(
        "lsp-closes-shared-lower",
        spec_bug=False,
        caught_by=("open-iff-referenced", "descriptor-validity"),
        witness=LAYERED.with_(provider=IFS),
        mutation=Mutation(provider=ClosesSharedLowerLayer("lsp1", 2001, LSP1_OVER_IFS, False)),
    ),
    Variant(
        "lsp-ifs-unmodified-handle",
        spec_bug=False,
        caught_by=("top-of-chain", "layer-references"),
        witness=LAYERED.with_(provider=IFS, chain=("ifs",)),
        mutation=Mutation(provider=UnmodifiedHandleIfsLayer("lsp1", 2001, LSP1_OVER_IFS, True)),
    ),
)

VARIANTS: dict[str, Variant] = {v.name: v for v in CATALOGUE}
if len(VARIANTS) != len(CATALOGUE):  # pragma: no cover - a catalogue edit that repeats a name
    raise ModelError("variant names must be distinct")


def variant_named(name: str) -> Variant:
    """The variant called ``name``; a ``ModelError`` listing every name otherwise."""
    try:
        return VARIANTS[name]
    except KeyError:
        names = ", ".join(VARIANTS)
        raise ModelError(f"no variant named {name!r}; known variants: {names}") from None


def mutants() -> tuple[Variant, ...]:
    """Every variant but the correct control, in catalogue order."""
    return tuple(v for v in CATALOGUE if v.name != CORRECT)
