"""The handoff scenario's parameters: who takes part, which provider, which faults may happen."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from wspshare.models.errors import ModelError
from wspshare.models.profiles import profile_named
from wspshare.models.providers.layered import LAYER_KINDS
from wspshare.models.scenario.patterns import Pattern, pattern_named

PROVIDER_NAMES = ("ifs", "non-ifs", "non-ifs-claim")


@dataclass(frozen=True)
class Faults:
    """How many faults of each kind (M5) a behaviour may contain; zero switches a kind off."""

    crash: int = 0  # a source or target process crashes at any step (kernel rundown, R11)
    lose: int = 0  # an IPC message disappears
    duplicate: int = 0  # an IPC message arrives twice
    reorder: int = 0  # two IPC messages swap places
    reuse_pid: int = 0  # a new process gets the pid of an exited target
    exhaust: int = 0  # the next allocating call of a process fails with WSAENOBUFS

    @property
    def any(self) -> bool:
        return any(vars(self).values())

    def validate(self) -> None:
        for name, count in vars(self).items():
            if not isinstance(count, int) or count < 0:
                raise ModelError(f"fault budget {name} must be a whole number >= 0, got {count!r}")


@dataclass(frozen=True)
class ScenarioConfig:
    """One handoff: a source, ``targets`` targets, each with ``threads`` threads.

    ``ack``: the source waits for the target's acknowledgement before it closes (step 10).
    ``pin``: the source opens a handle to each target process once it knows its pid, so the pid
    cannot be reused while the handoff is under way.  ``stranger``: an unrelated process that
    tries forged protocol infos.  ``explicit_delivery``: IPC messages travel on a wire and arrive
    by a separate delivery action (the simulator uses it to give deliveries a delay).
    ``timeouts``: a blocked receive may give up; on by default when messages can be lost.
    ``pattern``: what is shared (``models.scenario.patterns``: the seed's connected socket, a
    listening socket, a datagram socket); ``clients``: how many network clients connect, or
    datagrams arrive, in the patterns whose targets serve the network.  ``profile``: the
    implementation the machine follows, the documentation or Wine's (``models.profiles``).
    """

    provider: str = "ifs"
    targets: int = 1
    threads: int = 1
    ack: bool = True
    pin: bool = True
    stranger: bool = False
    faults: Faults = field(default_factory=Faults)
    explicit_delivery: bool = False
    timeouts: bool | None = None
    variant: str = "correct"
    pattern: str = "handoff"
    clients: int = 2
    profile: str = "documented"  # the implementation: models.profiles
    # Layered providers (R16, ``models.providers.layered``) between the switch and ``provider``,
    # which is then the base: each ``ifs`` or ``non-ifs``, top first; () runs on the base alone.
    chain: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        pattern_named(self.pattern)
        profile_named(self.profile)
        if self.clients < 0:
            raise ModelError(f"--clients must be at least 0, got {self.clients}")
        if self.targets < 1:
            raise ModelError(f"--targets must be at least 1, got {self.targets}")
        if self.threads < 1:
            raise ModelError(f"--threads must be at least 1, got {self.threads}")
        self.faults.validate()
        for kind in self.chain:
            if kind not in LAYER_KINDS:
                raise ModelError(f"a --chain layer is {' or '.join(LAYER_KINDS)}, got {kind!r}")

    @property
    def shares(self) -> Pattern:
        """The sharing pattern this scenario runs."""
        return pattern_named(self.pattern)

    @property
    def timeouts_on(self) -> bool:
        return self.faults.lose > 0 if self.timeouts is None else self.timeouts

    def with_(self, **changes: object) -> ScenarioConfig:
        return replace(self, **changes)  # type: ignore[arg-type]
