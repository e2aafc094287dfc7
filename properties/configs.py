"""The named configurations the model checker knows, and the switches that vary them.

A configuration is a shape of the handoff (how many targets, how many threads); the switches
choose the provider, whether the source waits for the acknowledgement and pins the pid, the fault
budgets (M5), a stranger, and a seeded bug (a variant of ``models.variants``).  ``model_for``
builds the checkable ``HandoffModel`` with every property of ``properties.handoff`` attached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple, dataclass, fields

from wspshare.models.errors import ModelError
from wspshare.models.scenario import Faults, HandoffModel, ScenarioConfig
from wspshare.models.variants import CORRECT, variant_named
from wspshare.properties.handoff import checkable

DEFAULT_FANOUT = 2
LISTENER_CLIENTS = 2  # network clients of the listener configuration
DATAGRAMS = 2  # datagrams that reach the datagram configuration's socket
DEFAULT_CHAIN = ("non-ifs",)  # the layered configuration's: one non-IFS layer over the base


@dataclass(frozen=True)
class Switches:
    """What the command line varies; ``None`` leaves the configuration's own value."""

    provider: str | None = None
    ack: bool = True
    pin: bool = True
    targets: int | None = None
    threads: int | None = None
    stranger: bool = False
    crash: int = 0
    lose: int = 0
    duplicate: int = 0
    reorder: int = 0
    reuse_pid: int = 0
    exhaust: int = 0
    variant: str = CORRECT
    profile: str | None = None  # the implementation (models.profiles); None: the config's own
    chain: tuple[str, ...] | None = None  # layered providers, top first; None: the config's own

    @property
    def faults(self) -> Faults:
        return Faults(
            self.crash, self.lose, self.duplicate, self.reorder, self.reuse_pid, self.exhaust
        )

    def describe(self) -> str:
        """The switches that differ from the defaults, as command-line flags."""
        out = []
        for f in fields(self):
            value, default = getattr(self, f.name), f.default
            if value == default:
                continue
            flag = "--" + f.name.replace("_", "-")
            if f.name in ("ack", "pin"):
                out.append(f"--no-{f.name}")
            elif f.name == "chain":
                out.append(f"{flag} {','.join(value)}")
            elif value is True:
                out.append(flag)
            else:
                out.append(f"{flag} {value}")
        return " ".join(out)


@dataclass(frozen=True)
class NamedConfig:
    """One configuration: its name, a one-line description, and its base scenario."""

    name: str
    doc: str
    base: Callable[[Switches], ScenarioConfig]
    fanout: bool = False  # --targets may change the number of (interchangeable) targets

    def scenario(self, switches: Switches) -> ScenarioConfig:
        """The base scenario with ``switches`` laid over it: a switch can add faults, a stranger
        or threads, turn the acknowledgement or the pin off, and choose the provider."""
        if switches.targets is not None and not self.fanout:
            raise ModelError(f"--targets applies to fanout only, not to {self.name}")
        base = self.base(switches)
        f, g = base.faults, switches.faults
        return base.with_(
            provider=switches.provider or base.provider,
            targets=switches.targets or base.targets,
            threads=switches.threads or base.threads,
            ack=base.ack and switches.ack,
            pin=base.pin and switches.pin,
            stranger=base.stranger or switches.stranger,
            profile=switches.profile or base.profile,
            chain=base.chain if switches.chain is None else switches.chain,
            faults=Faults(*(max(a, b) for a, b in zip(astuple(f), astuple(g), strict=True))),
        )


def _witness(switches: Switches) -> ScenarioConfig:
    if switches.variant == CORRECT:
        raise ModelError("the witness configuration needs --variant NAME (a seeded bug)")
    return variant_named(switches.variant).witness


CONFIGS: dict[str, NamedConfig] = {
    c.name: c
    for c in (
        NamedConfig(
            "handoff",
            "the seed's handoff: one source, one target, one thread each",
            lambda _: ScenarioConfig(targets=1, threads=1),
        ),
        NamedConfig(
            "handoff-threads",
            "the seed's handoff with two threads per process sharing each descriptor (R5)",
            lambda _: ScenarioConfig(targets=1, threads=2),
        ),
        NamedConfig(
            "fanout",
            f"one source serving --targets K interchangeable targets in any order (M7), "
            f"default {DEFAULT_FANOUT}",
            lambda _: ScenarioConfig(targets=DEFAULT_FANOUT, threads=1),
            fanout=True,
        ),
        NamedConfig(
            "listener",
            f"a prefork server: the source binds and listens, hands the listening socket to "
            f"--targets K workers (default {DEFAULT_FANOUT}) and closes its own; "
            f"{LISTENER_CLIENTS} network clients connect, each accepted once (R15)",
            lambda _: ScenarioConfig(
                targets=DEFAULT_FANOUT, pattern="listener", clients=LISTENER_CLIENTS
            ),
            fanout=True,
        ),
        NamedConfig(
            "datagram",
            f"a bound UDP socket shared with --targets K readers (default {DEFAULT_FANOUT}); "
            f"{DATAGRAMS} datagrams arrive, each read once",
            lambda _: ScenarioConfig(targets=DEFAULT_FANOUT, pattern="datagram", clients=DATAGRAMS),
            fanout=True,
        ),
        NamedConfig(
            "wine",
            "the seed's handoff as Wine's ws2_32 does it (models/profiles.py), --targets K "
            "targets (default 1); only the properties claimed under wine are checked",
            lambda _: ScenarioConfig(targets=1, profile="wine"),
            fanout=True,
        ),
        NamedConfig(
            "layered",
            "the seed's handoff through layered providers (R16): --chain LAYERS over the base "
            "--provider (default one non-IFS layer over ifs), --targets K targets (default 1)",
            lambda _: ScenarioConfig(targets=1, chain=DEFAULT_CHAIN),
            fanout=True,
        ),
        NamedConfig(
            "witness",
            "where --variant NAME's bug is reachable: its provider, threads, stranger and faults",
            _witness,
        ),
    )
}


def config_named(name: str) -> NamedConfig:
    """The configuration called ``name``; a ``ModelError`` naming every choice otherwise."""
    try:
        return CONFIGS[name]
    except KeyError:
        raise ModelError(
            f"no configuration named {name!r}; choose one of: {', '.join(CONFIGS)} "
            "(wspshare check --list describes them)"
        ) from None


def model_for(name: str, switches: Switches | None = None) -> HandoffModel:
    """The checkable model of configuration ``name`` under ``switches``."""
    switches = switches or Switches()
    scenario = config_named(name).scenario(switches)
    build: Callable[[ScenarioConfig], HandoffModel] = HandoffModel
    if switches.variant != CORRECT:
        build = variant_named(switches.variant).model
    return checkable(build(scenario))


def witness_gaps(variant: str, config: ScenarioConfig) -> list[str]:
    """What ``config`` lacks of the seeded bug ``variant``'s witness configuration: a different
    provider, threads or targets, the acknowledgement or the pin switched back on where the
    witness has them off (or off where it has them on), a smaller fault budget, no stranger.
    Each is a reason the bug may be unreachable, so the command line warns about it; an empty
    list means the witness's behaviours are all still there."""
    if variant == CORRECT:
        return []
    witness = variant_named(variant).config()
    gaps = [
        f"{name} {_shown(getattr(config, name))} (the witness has {_shown(getattr(witness, name))})"
        for name in ("provider", "targets", "threads", "chain")
        if getattr(config, name) != getattr(witness, name)
    ]
    gaps += [
        f"{name} {'on' if getattr(config, name) else 'off'} (the witness has it "
        f"{'on' if getattr(witness, name) else 'off'})"
        for name in ("ack", "pin")
        if getattr(config, name) != getattr(witness, name)
    ]
    if witness.stranger and not config.stranger:
        gaps.append("no stranger (the witness has one)")
    for kind, need in vars(witness.faults).items():
        have = getattr(config.faults, kind)
        if have < need:
            gaps.append(f"{kind} budget {have} (the witness needs {need})")
    return gaps


def _shown(value: object) -> str:
    """A switch's value as the command line writes it (a chain comma-separated, none: -)."""
    if isinstance(value, tuple):
        return ",".join(value) or "-"
    return str(value)
