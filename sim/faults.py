"""Fault plans (M5): which fault to inject, to whom, and when, in a small learnable syntax.

One fault per line (in a file) or per flag value (on the command line)::

    crash ROLE@WHEN            the process crashes (kernel rundown, R11)
    exhaust ROLE@WHEN[,ERROR]  its next allocating call fails with ERROR: WSAENOBUFS (the
                               default) or WSAEMFILE, the shortages the model offers
    reuse-pid ROLE[@WHEN]      once ROLE has exited and its pid is free, a new process gets it
    lose STEP[@ROLE]           the pipe loses the message sent in seed step STEP
    duplicate STEP[@ROLE]      ... delivers it twice
    reorder STEP[@ROLE]        ... swaps it with the message ahead of it (if one is on the wire)
    delay STEP:MS[@ROLE]       ... delivers it MS simulated milliseconds later than drawn

ROLE is ``source`` or ``targetK`` (K from 1; for message faults it names whose pipe, default
``target1``).  WHEN is ``t=MS`` (a simulated time), ``before:N`` or ``after:N`` (the first event
of seed step N).  Messages travel in steps 2 (PID_REQUEST), 3 (PID_REPLY), 6 (INFO), 10 (ACK).
A file may also be JSON: a list of such strings.  Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

from wspshare.models.errors import ModelError
from wspshare.models.scenario import Direction, Faults
from wspshare.models.scenario.model import SHORTAGES

DEFAULT_SHORTAGE = SHORTAGES[0].name  # what ``exhaust`` fails with unless told otherwise
MESSAGE_STEPS = {2: Direction.DOWN, 3: Direction.UP, 6: Direction.DOWN, 10: Direction.UP}
PROCESS_KINDS = ("crash", "exhaust", "reuse-pid")
MESSAGE_KINDS = ("lose", "duplicate", "reorder", "delay")
KINDS = PROCESS_KINDS + MESSAGE_KINDS
_ROLE = re.compile(r"^(source|target([1-9][0-9]*))$")
_WHEN = re.compile(r"^(?:t=(?P<t>[0-9]+(?:\.[0-9]*)?)|(?P<rel>before|after):(?P<n>[0-9]+))$")


@dataclass(frozen=True)
class PlannedFault:
    """One fault of a plan.  ``when`` is ``("t", ms)``, ``("before", n)``, ``("after", n)`` or
    ``("asap", 0)``; message faults are triggered by their message being sent."""

    kind: str
    role: str
    when: tuple[str, float] = ("asap", 0.0)
    step: int = 0  # message faults: the seed step that sends the message
    ms: float = 0.0  # delay: extra milliseconds
    error: str = DEFAULT_SHORTAGE  # exhaust: the error the call fails with (one of SHORTAGES)

    def __str__(self) -> str:
        if self.kind in MESSAGE_KINDS:
            ms = f":{self.ms:g}" if self.kind == "delay" else ""
            return f"{self.kind} {self.step}{ms}@{self.role}"
        when = "" if self.when[0] == "asap" else "@" + _when_text(self.when)
        named = self.kind == "exhaust" and self.error != DEFAULT_SHORTAGE
        return f"{self.kind} {self.role}{when}{',' + self.error if named else ''}"

    @property
    def target_index(self) -> int:
        """0 for the source, K for ``targetK``."""
        return 0 if self.role == "source" else int(self.role[len("target") :])


def _when_text(when: tuple[str, float]) -> str:
    kind, value = when
    return f"t={value:g}" if kind == "t" else f"{kind}:{int(value)}"


def _bad(text: str, why: str) -> ModelError:
    return ModelError(f"bad fault {text!r}: {why} (see 'wspshare simulate --help')")


def _role(text: str, role: str) -> str:
    if not _ROLE.match(role):
        raise _bad(text, f"unknown process {role!r}; use source or target1, target2, ...")
    return role


def _when(text: str, when: str) -> tuple[str, float]:
    m = _WHEN.match(when)
    if not m:
        raise _bad(text, f"unknown time {when!r}; use t=MS, before:STEP or after:STEP")
    if m.group("t") is not None:
        return ("t", float(m.group("t")))
    return (m.group("rel"), float(int(m.group("n"))))


def parse_fault(kind: str, spec: str) -> PlannedFault:
    """One fault from its kind and its argument, e.g. ``("crash", "target1@after:5")``."""
    text = f"{kind} {spec}"
    if kind not in KINDS:
        raise _bad(text, f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if kind in MESSAGE_KINDS:
        what, _, role = spec.partition("@")
        role = _role(text, role or "target1")
        step_text, _, ms_text = what.partition(":")
        if not step_text.isdigit() or int(step_text) not in MESSAGE_STEPS:
            raise _bad(text, "no message is sent in that step; messages go in steps 2, 3, 6, 10")
        ms = 0.0
        if kind == "delay":
            try:
                ms = float(ms_text)
            except ValueError:
                raise _bad(text, "delay needs STEP:MS, e.g. delay 6:5") from None
            if not math.isfinite(ms) or ms < 0:
                raise _bad(text, "a delay is a finite number of milliseconds >= 0")
        elif ms_text:
            raise _bad(text, f"{kind} takes STEP[@ROLE]")
        return PlannedFault(kind, role, step=int(step_text), ms=ms)
    who, at, rest = spec.partition("@")
    role = _role(text, who)
    if not at:
        if kind != "reuse-pid":
            raise _bad(text, f"{kind} needs ROLE@WHEN, e.g. {kind} target1@after:5")
        return PlannedFault(kind, role)
    if kind != "exhaust":
        return PlannedFault(kind, role, _when(text, rest))
    when, _, error = rest.partition(",")
    offered = [e.name for e in SHORTAGES]
    if error and error not in offered:
        raise _bad(text, f"unknown shortage {error!r}; use {' or '.join(offered)}")
    return PlannedFault(kind, role, _when(text, when), error=error or DEFAULT_SHORTAGE)


def parse_line(line: str) -> PlannedFault:
    kind, _, spec = line.strip().partition(" ")
    return parse_fault(kind, spec.strip())


def parse_plan(text: str) -> tuple[PlannedFault, ...]:
    """A plan from a file's text: JSON (a list of strings) or one fault per line."""
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as err:
            raise ModelError(f"bad fault file: not valid JSON ({err.msg})") from None
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ModelError('bad fault file: a JSON plan is a list of strings like "lose 6"')
        return tuple(_numbered(n, item) for n, item in enumerate(items, start=1))
    lines = [ln.split("#", 1)[0].strip() for ln in text.splitlines()]
    return tuple(_numbered(n, ln) for n, ln in enumerate(lines, start=1) if ln)


def _numbered(n: int, line: str) -> PlannedFault:
    """One line of a plan; an error names the line (or the list item) it is about."""
    try:
        return parse_line(line)
    except ModelError as err:
        raise ModelError(f"line {n}: {err}") from None


def budget(plan: tuple[PlannedFault, ...]) -> Faults:
    """The model's fault budget that lets every planned fault happen (the model offers a fault
    action only while its budget allows)."""
    count = {k: sum(1 for f in plan if f.kind == k) for k in KINDS}
    return Faults(
        crash=count["crash"],
        lose=count["lose"],
        duplicate=count["duplicate"],
        reorder=count["reorder"],
        reuse_pid=count["reuse-pid"],
        exhaust=count["exhaust"],
    )


def check_roles(plan: tuple[PlannedFault, ...], targets: int) -> None:
    for f in plan:
        if f.target_index > targets:
            raise ModelError(f"bad fault {str(f)!r}: there are only {targets} target(s)")
        if f.kind in MESSAGE_KINDS and f.role == "source":
            raise ModelError(f"bad fault {str(f)!r}: name the pipe by its target, e.g. @target1")
