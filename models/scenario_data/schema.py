"""The scenario format's Python face: frozen dataclasses that a TOML file loads into.

A ``Scenario`` names its processes (each with threads, each thread a program of ``StepSpec``),
the pipes between processes, the provider, the implementation profile, the fault budgets and
the mode: ``interleaved`` (the checker explores every order of the threads' steps) or
``sequential`` (one fixed order across processes, for conformance cases).  Steps are data, so a
scenario can be written in Python as well as in TOML and compared field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wspshare.models.profiles import PROFILES as IMPLEMENTATIONS
from wspshare.models.scenario.config import Faults

Arg = int | str | bool
MODES = ("interleaved", "sequential")
PROFILES = tuple(IMPLEMENTATIONS)  # models.profiles: documented, wine
ON_ERROR = ("continue", "stop", "exit")
# What a step does; each has one key in the file that says so (``call``, ``send``, ...).
OPS = (
    "call",
    "send",
    "recv",
    "join",
    "exit",
    "wait",
    "open_process",
    "close_handle",
    "peer",
    "client",
)


@dataclass(frozen=True)
class StepSpec:
    """One step of a thread's program.

    ``op`` says what it is; ``call`` is the canonical SPI name of a call step; ``args`` its
    named arguments (a descriptor, pid or info names a register; ``@name`` is a process's pid);
    ``out`` the register that receives the result; ``expect`` the result a conformance case or
    a user claims (``ok`` or a Winsock error name), ``expect_value`` a value claimed with it;
    ``on_error`` what the thread does when the step fails; ``atomic`` joins it with the next
    step of the thread into one action (as the built-in target receives the pid request and
    replies in one step).  ``line`` is where it was written."""

    op: str
    call: str = ""
    args: tuple[tuple[str, Arg], ...] = ()
    out: str = ""
    expect: str = ""
    expect_value: int | None = None
    on_error: str = "continue"
    pipe: str = ""
    line: int = 0
    atomic: bool = False  # this step and the thread's next one are one action (if it succeeds)

    def arg(self, name: str, default: Arg | None = None) -> Arg | None:
        for key, value in self.args:
            if key == name:
                return value
        return default

    def __str__(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in self.args)
        if self.op == "call":
            return f"{self.call}({shown})"
        if self.op in ("send", "recv"):
            return f"{self.op} {self.pipe}" + (f" ({shown})" if shown else "")
        return f"{self.op}" + (f" {shown}" if shown else "")


@dataclass(frozen=True)
class ThreadSpec:
    name: str
    steps: tuple[StepSpec, ...]


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    threads: tuple[ThreadSpec, ...]

    def registers(self) -> tuple[str, ...]:
        """Every register a step of this process writes, in first-written order (threads of a
        process share its registers, R5)."""
        names: list[str] = []
        for thread in self.threads:
            for step in thread.steps:
                if step.out and step.out not in names:
                    names.append(step.out)
        return tuple(names)


@dataclass(frozen=True)
class PipeSpec:
    """A pipe between two processes: messages each way, in order (M5 may lose or duplicate)."""

    name: str
    ends: tuple[str, str]


@dataclass(frozen=True)
class Scenario:
    name: str
    processes: tuple[ProcessSpec, ...]
    pipes: tuple[PipeSpec, ...] = ()
    provider: str = "ifs"
    profile: str = "documented"
    mode: str = "interleaved"
    faults: Faults = field(default_factory=Faults)
    description: str = ""
    source: str = ""  # where the pattern or the case comes from (file and test)
    # sequential: the steps in their one order, as (process, thread, index in that program)
    order: tuple[tuple[int, int, int], ...] = ()
    known_difference: str = ""  # a conformance case's recorded reason for a real difference

    def process_index(self, name: str) -> int:
        for i, p in enumerate(self.processes):
            if p.name == name:
                return i
        raise KeyError(name)

    def pipe_index(self, name: str) -> int:
        for i, p in enumerate(self.pipes):
            if p.name == name:
                return i
        raise KeyError(name)
