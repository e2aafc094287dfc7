"""Small transition systems whose state spaces can be counted by hand, for the checker's tests.

They implement ``models.protocol.Model`` directly and know nothing of Winsock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from wspshare.models.protocol import Expectation, Property


@dataclass(frozen=True)
class Act:
    """An action: a verb and the component that does it; reads like ``read 0``."""

    verb: str
    who: int = 0

    def __str__(self) -> str:
        return f"{self.verb} {self.who}"


class ToyModel:
    """Defaults shared by the toys: no symmetry, every action fair, nowhere final."""

    props: Sequence[Property[object]] = ()

    def properties(self) -> Sequence[Property[object]]:
        return self.props

    def is_final(self, state: object) -> bool:
        return False

    def is_fair(self, action: object) -> bool:
        return True

    def representative(self, state: object) -> object:
        return state


# --- lost update: n processes each do tmp := counter; counter := tmp + 1 -----------------------

LostState = tuple[tuple[int, ...], tuple[int, ...], int]  # (pcs, tmps, counter); pc 0 -> 1 -> 2


def _writes(s: LostState) -> int:
    return sum(pc == 2 for pc in s[0])


@dataclass
class LostUpdate(ToyModel):
    n: int = 2
    props: Sequence[Property[LostState]] = field(
        default_factory=lambda: [
            Property("no lost update", "toy", Expectation.ALWAYS, lambda s: s[2] == _writes(s)),
            Property("all done", "toy", Expectation.SOMETIMES, lambda s: all(p == 2 for p in s[0])),
            Property(
                "finishes", "toy", Expectation.EVENTUALLY, lambda s: all(p == 2 for p in s[0])
            ),
        ]
    )

    def init_states(self) -> list[LostState]:
        return [((0,) * self.n, (0,) * self.n, 0)]

    def actions(self, s: LostState) -> list[Act]:
        verbs = {0: "read", 1: "write"}
        return [Act(verbs[pc], i) for i, pc in enumerate(s[0]) if pc < 2]

    def next_state(self, s: LostState, a: Act) -> LostState:
        pcs, tmps, counter = list(s[0]), list(s[1]), s[2]
        if a.verb == "read":
            tmps[a.who] = counter
        else:
            counter = tmps[a.who] + 1
        pcs[a.who] += 1
        return (tuple(pcs), tuple(tmps), counter)

    def is_final(self, s: LostState) -> bool:
        return all(pc == 2 for pc in s[0])


# --- a test-then-set lock: non-atomic (the seeded bug) or atomic -------------------------------

MutexState = tuple[tuple[int, ...], bool]  # (pcs, flag); pc 0 idle, 1 saw it free, 2 critical


@dataclass
class CheckThenSet(ToyModel):
    n: int = 2
    atomic: bool = False
    props: Sequence[Property[MutexState]] = field(
        default_factory=lambda: [
            Property(
                "mutual exclusion",
                "toy",
                Expectation.ALWAYS,
                lambda s: sum(p == 2 for p in s[0]) < 2,
            ),
            Property("0 enters", "toy", Expectation.EVENTUALLY, lambda s: s[0][0] == 2),
        ]
    )

    def init_states(self) -> list[MutexState]:
        return [((0,) * self.n, False)]

    def actions(self, s: MutexState) -> list[Act]:
        pcs, flag = s
        acts = []
        for i, pc in enumerate(pcs):
            if pc == 0 and not flag:
                acts.append(Act("acquire" if self.atomic else "check", i))
            elif pc == 1:
                acts.append(Act("set", i))
            elif pc == 2:
                acts.append(Act("leave", i))
        return acts

    def next_state(self, s: MutexState, a: Act) -> MutexState:
        pcs, flag = list(s[0]), s[1]
        if a.verb == "acquire":
            pcs[a.who], flag = 2, True
        elif a.verb == "check":
            pcs[a.who] = 1
        elif a.verb == "set":
            pcs[a.who], flag = 2, True
        else:
            pcs[a.who], flag = 0, False
        return (tuple(pcs), flag)


# --- two locks taken in opposite orders: a deadlock ---------------------------------------------

LockState = tuple[int, int]  # pcs; 0 start, 1 holds first lock, 2 holds both, 3 done


@dataclass
class OppositeLocks(ToyModel):
    props: Sequence[Property[LockState]] = field(default_factory=list)

    def init_states(self) -> list[LockState]:
        return [(0, 0)]

    def _holds(self, s: LockState, who: int, lock: str) -> bool:
        first, second = ("A", "B") if who == 0 else ("B", "A")
        pc = s[who]
        return (lock == first and pc in (1, 2)) or (lock == second and pc == 2)

    def _free(self, s: LockState, lock: str) -> bool:
        return not (self._holds(s, 0, lock) or self._holds(s, 1, lock))

    def actions(self, s: LockState) -> list[Act]:
        acts = []
        for who, pc in enumerate(s):
            first, second = ("A", "B") if who == 0 else ("B", "A")
            if (pc == 0 and self._free(s, first)) or (pc == 1 and self._free(s, second)):
                acts.append(Act("lock", who))
            elif pc == 2:
                acts.append(Act("unlock", who))
        return acts

    def next_state(self, s: LockState, a: Act) -> LockState:
        pcs = list(s)
        pcs[a.who] += 1
        return (pcs[0], pcs[1])

    def is_final(self, s: LockState) -> bool:
        return s == (3, 3)


# --- liveness toys ------------------------------------------------------------------------------


@dataclass
class Spinner(ToyModel):
    """Until done: ``spin`` loops in place, ``finish`` ends; is ``finish`` fair?"""

    finish_fair: bool = True
    props: Sequence[Property[bool]] = field(
        default_factory=lambda: [Property("done", "toy", Expectation.EVENTUALLY, lambda s: s)]
    )

    def init_states(self) -> list[bool]:
        return [False]

    def actions(self, s: bool) -> list[Act]:
        return [] if s else [Act("spin"), Act("finish")]

    def next_state(self, s: bool, a: Act) -> bool:
        return a.verb == "finish"

    def is_final(self, s: bool) -> bool:
        return s

    def is_fair(self, a: object) -> bool:
        return self.finish_fair or str(a) != "finish 0"


@dataclass
class Blinker(ToyModel):
    """``toggle`` flips x; ``finish`` is enabled only while x is 1, so never continuously."""

    props: Sequence[Property[tuple[int, bool]]] = field(
        default_factory=lambda: [Property("done", "toy", Expectation.EVENTUALLY, lambda s: s[1])]
    )

    def init_states(self) -> list[tuple[int, bool]]:
        return [(0, False)]

    def actions(self, s: tuple[int, bool]) -> list[Act]:
        if s[1]:
            return []
        return [Act("toggle"), Act("finish")] if s[0] else [Act("toggle")]

    def next_state(self, s: tuple[int, bool], a: Act) -> tuple[int, bool]:
        return (1 - s[0], False) if a.verb == "toggle" else (s[0], True)

    def is_final(self, s: tuple[int, bool]) -> bool:
        return s[1]


@dataclass
class CrashOnly(ToyModel):
    """A message that is never sent: only an unfair ``crash`` is ever enabled."""

    props: Sequence[Property[str]] = field(
        default_factory=lambda: [
            Property("delivered", "toy", Expectation.EVENTUALLY, lambda s: s == "delivered")
        ]
    )

    def init_states(self) -> list[str]:
        return ["waiting"]

    def actions(self, s: str) -> list[Act]:
        return [Act("crash")] if s == "waiting" else []

    def next_state(self, s: str, a: Act) -> str:
        return "crashed"

    def is_final(self, s: str) -> bool:
        return s == "crashed"

    def is_fair(self, a: object) -> bool:
        return False


# --- k interchangeable components, each stepping 0 -> 1 -> 2 ------------------------------------


@dataclass
class Interchangeable(ToyModel):
    k: int = 4
    props: Sequence[Property[tuple[int, ...]]] = field(
        default_factory=lambda: [
            Property(
                "not all done", "toy", Expectation.ALWAYS, lambda s: not all(p == 2 for p in s)
            ),
            Property("one done", "toy", Expectation.SOMETIMES, lambda s: 2 in s),
        ]
    )

    def init_states(self) -> list[tuple[int, ...]]:
        return [(0,) * self.k]

    def actions(self, s: tuple[int, ...]) -> list[Act]:
        return [Act("step", i) for i, pc in enumerate(s) if pc < 2]

    def next_state(self, s: tuple[int, ...], a: Act) -> tuple[int, ...]:
        return (*s[: a.who], s[a.who] + 1, *s[a.who + 1 :])

    def is_final(self, s: tuple[int, ...]) -> bool:
        return all(p == 2 for p in s)

    def representative(self, s: tuple[int, ...]) -> tuple[int, ...]:  # type: ignore[override]
        return tuple(sorted(s))
