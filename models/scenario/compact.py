"""Compact states: the handoff model as the checker stores and steps it, a state as a tuple of
small ints, with the model's work remembered on the part of a state each question reads.

Why.  A search meets few distinct *parts* of states and many combinations of them: the seed's
handoff with every fault and a stranger has 32,379 states but a few hundred worlds, and each
process's registers and each pipe take a handful of values.  So each part (the world, the
budget, each flag, each pipe, each process's registers) is interned, given a number the first
time it is seen, and a compact state is the tuple of its parts' numbers: it hashes and compares
as a tuple of ints, pickles in C, and is a fraction of the nested records' size.

Questions remembered by what they read.  An action's successor, a part of the list of enabled
actions (``HandoffModel.action_parts``) and a property's verdict are each a function of the
parts of the state the question reads.  The first time a question is asked it runs on the real
state, watched (``independence.watch``), which gives its answer, the fields and per-slot items
it read, and the fields it gave ``_replace``.  The answer is stored under the numbers of the parts
read, together with what it wrote (as part numbers), and later states that agree on those parts
get it back by one dictionary lookup, with no state built.  Each question keeps one *footprint*,
the union of what its runs read; a run that reads outside it widens the footprint and starts the
question's table afresh, so every stored answer was computed from a subset of its key.  That is
sound because the model is deterministic: two states that agree on everything a run reads make
the run take the same branches, read the same parts and write the same values.  Writes are taken
from what ``_replace`` was given (an atomic field) or from the items whose object changed (a
per-slot field: ``replace_at`` copies the others); a per-slot field whose length changes is
stored whole, which the run must have read whole, else the answer is not remembered.

Nothing here is per call, provider or configuration: a new call or provider changes the world
part's values, not this encoding.  ``decode`` gives back the real ``HandoffState`` (parts are
shared objects, so equal parts are identical), which is what paths, the simulator and every
other consumer see; ``tests/check/test_check_compact.py`` runs every configuration and seeded bug
both ways and compares counts, verdicts and paths.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import partial
from operator import itemgetter
from typing import Any, Generic, NamedTuple, TypeVar

from wspshare.models.errors import ModelError
from wspshare.models.protocol import Property
from wspshare.models.scenario.actions import Action
from wspshare.models.scenario.compact_symmetry import CompactSymmetry
from wspshare.models.scenario.independence import (
    ITEMISED,
    Read,
    Watched,
    agent,
    may_reduce,
    watch,
)
from wspshare.models.scenario.lifting import HandoffLifting, Perm
from wspshare.models.scenario.model import HandoffModel
from wspshare.models.scenario.state import HandoffState
from wspshare.models.scenario.symmetry import reduces

Compact = tuple[int, ...]
Delta = tuple[tuple[tuple[int, int], ...], tuple[int, ...] | None, Any]
R = TypeVar("R")

LIMIT = 1 << 18  # answers a question keeps before its table starts afresh
# A question gives up remembering when too many of its asks in a window miss, after its first
# window (when every answer is new).  The share: a successor is dear to work out afresh, so
# remembering pays even when half the asks miss; listing a process's steps or judging a
# property is cheap, and a miss (a watched run) costs a few of them.
WINDOW = 2048
GIVE_UP_STEPS = 0.6
GIVE_UP_CHEAP = 0.35

ATOMIC = tuple(name for name in HandoffState._fields if name not in ITEMISED)
# Layout of a compact state: the atomic fields, then the pipes (their number is the
# configuration's), then the registers (last: a reused pid adds a slot).
_REGS, _CHANS = "regs", "chans"
assert set(ITEMISED) == {_REGS, _CHANS}
_FIELD_INDEX = {name: i for i, name in enumerate(HandoffState._fields)}
_WORLD, _BUDGET = ATOMIC.index("world"), ATOMIC.index("budget")
# Where each field of a ``HandoffState``, in order, comes from in a compact state: a position
# (an atomic field) or the name of a per-slot field.
_SOURCES: tuple[int | str, ...] = tuple(
    name if name in ITEMISED else ATOMIC.index(name) for name in HandoffState._fields
)


class Parts:
    """The intern table: a part's number by type and value, and its value by number.  A
    number's value is kept for the whole search, and parts that come out of ``decode`` are
    looked up by identity first (a hash of a world walks all of it).  The type is part of the
    key because equal values of different types are different parts: ``False == 0``, and two
    records with equal fields compare equal as tuples."""

    __slots__ = ("by_identity", "by_value", "values")

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.by_value: dict[tuple[type, Any], int] = {}
        self.by_identity: dict[int, int] = {}

    def number(self, part: Any) -> int:
        found = self.by_identity.get(id(part))
        if found is not None:
            return found
        key = (type(part), part)
        found = self.by_value.get(key)
        if found is None:
            found = len(self.values)
            self.values.append(part)
            self.by_value[key] = found
            self.by_identity[id(part)] = found  # the kept object: its id is never reused
        return found

    def __len__(self) -> int:
        return len(self.values)


class Footprint(NamedTuple):
    """Where a question's reads lie in a compact state: fixed positions, and whether every
    register slot (the tail, of varying length) was read."""

    positions: frozenset[int]
    all_regs: bool

    def covers(self, other: Footprint) -> bool:
        return other.positions <= self.positions and (self.all_regs or not other.all_regs)

    @staticmethod
    def of(positions: set[int] | frozenset[int], all_regs: bool, regs_at: int) -> Footprint:
        """The footprint of these reads; with every register slot read, the tail is in the key
        whole, so no single slot's position is kept beside it."""
        if all_regs:
            positions = {p for p in positions if p < regs_at}
        return Footprint(frozenset(positions), all_regs)

    def union(self, other: Footprint, regs_at: int) -> Footprint:
        return Footprint.of(
            self.positions | other.positions, self.all_regs or other.all_regs, regs_at
        )

    def key_function(self, regs_at: int) -> Callable[[Compact], Any]:
        """The key of a compact state's answer: the part numbers at the footprint."""
        ordered = sorted(self.positions)
        getter = itemgetter(*ordered) if ordered else None
        if not self.all_regs:
            return getter if getter is not None else _nothing
        if getter is None:
            return lambda cs: cs[regs_at:]
        return lambda cs: (getter(cs), cs[regs_at:])


_EVERYTHING = Footprint(frozenset(), True)  # what a direct question is taken to read
_NO_WRITES: set[str] = set()


def _nothing(cs: Compact) -> tuple[()]:
    return ()


class Question(Generic[R]):
    """One remembered question: how to ask it of a real state, its footprint, the key function
    of that footprint and its answers by key.  Before its first answer the key is one no table
    holds, so the first lookup misses."""

    __slots__ = (
        "answer_of", "answers", "asks", "direct", "footprint", "give_up_at", "key", "misses", "run",
        "warm", "window_misses", "window_start",
    )  # fmt: skip

    def __init__(
        self,
        run: Callable[[HandoffState], Any],
        answer_of: Callable[[Any, Footprint, set[str], Compact], tuple[R, bool]],
        give_up_at: float,
    ) -> None:
        self.run = run
        self.answer_of = answer_of
        self.give_up_at = give_up_at
        self.footprint: Footprint | None = None
        self.key: Callable[[Compact], Any] = _unasked
        self.answers: dict[Any, R] = {}
        self.asks = 0  # counted by the callers that cannot count per search otherwise
        self.misses = 0
        self.window_start = 0  # the ask count where the current window of asks began
        self.window_misses = 0
        self.warm = False  # the first window, when every answer is new, is over
        self.direct = False  # asked of the real state every time: remembering did not pay

    def give_up(self) -> None:
        """Stop remembering: most states ask with a key never seen (a question that reads
        parts which together are nearly the whole state), so a table only costs."""
        self.direct = True
        self.key = _unasked
        self.answers = {}


Choice = Question[tuple[tuple[Action, ...], ...]]  # enabled actions of one or more parts
_UNASKED = object()


def _unasked(cs: Compact) -> object:
    return _UNASKED


def _as_bool(result: Any, read: Footprint, writes: set[str], cs: Compact) -> tuple[bool, bool]:
    return bool(result), True


def _as_verdicts(
    result: tuple[bool, ...], read: Footprint, writes: set[str], cs: Compact
) -> tuple[tuple[bool, ...], bool]:
    return result, True


T = TypeVar("T")


def _sharing_footprints(asked: Iterable[tuple[T, Question[Any]]]) -> list[list[T]]:
    """The names of remembering questions that share a footprint, two or more a group."""
    by_footprint: dict[Footprint, list[T]] = {}
    for name, question in asked:
        if not question.direct and question.footprint is not None:
            by_footprint.setdefault(question.footprint, []).append(name)
    return [names for names in by_footprint.values() if len(names) > 1]


def _owned_by_world(whole: int, world: int, shares: int) -> int:
    """A fingerprint whose remainder by ``shares`` is the world's: a split search gives a
    state to share ``key % shares``, so every state of one world goes to one share, which then
    learns that world's answers alone instead of every share learning them again."""
    return whole - whole % shares + world % shares


def layout_hash(shares: int, state: HandoffState) -> int:
    """The fingerprint ``PartHashes`` gives the encoding of ``state``, worked out from the real
    state (a split search's coordinator replays paths in real states, its shares search
    compact ones): the hash of its parts' hashes in the compact layout (atomic fields, pipes,
    registers), owned by its world."""
    atomic = [hash(getattr(state, name)) for name in ATOMIC]
    whole = hash((*atomic, *map(hash, state.chans), *map(hash, state.regs)))
    return _owned_by_world(whole, atomic[_WORLD], shares)


class PartHashes:
    """A fingerprint of compact states that does not depend on how a process numbered the
    parts: the hash of the tuple of the parts' hashes, owned by the world's share
    (``_owned_by_world``).  Processes forked from one another share the hash seed, so the
    shares of a split search, each with its own numbering, give a state the same
    fingerprint."""

    def __init__(self, parts: Parts, shares: int) -> None:
        self._values = parts.values
        self._hashes: list[int] = []
        self._shares = shares

    def __call__(self, cs: Compact) -> int:
        hashes = self._hashes
        if len(hashes) < len(self._values):
            hashes.extend(map(hash, self._values[len(hashes) :]))
        whole = hash(tuple(map(hashes.__getitem__, cs)))
        return _owned_by_world(whole, hashes[cs[_WORLD]], self._shares)


class CompactHandoff:
    """``model`` over compact states: the checker's ``Model`` (states are ``Compact``), with
    ``decode`` and ``encode`` to go between the two forms."""

    def __init__(self, model: HandoffModel) -> None:
        self.model = model
        self.parts = Parts()
        self.chans = model.config.targets
        self.regs_at = len(ATOMIC) + self.chans
        self._steps: dict[Action, Question[Delta]] = {}
        self._step_by_id: dict[int, Question[Delta]] = {}
        self._canonical: dict[Action, Action] = {}  # an action's first object, kept
        # The actions' parts (``HandoffModel.action_parts``) by state length: the questions to
        # ask, and where each part's actions are, in order, as (question, place in its answer).
        self._choices: dict[int, tuple[list[Choice], list[tuple[int, int]]]] = {}
        self._choice_by_name: dict[Hashable, tuple[Choice, int]] = {}
        self._part_of: dict[Hashable, Callable[[HandoffState], Sequence[Action]]] = {}
        self._judges: list[Callable[[HandoffState], Any]] = []
        self._groups: list[tuple[tuple[int, ...], Question[tuple[bool, ...]]]] = []
        self._where: list[tuple[int, int]] = []  # a property's group and place in it
        self._verdicts: list[tuple[bool, ...]] = []  # by group, of ``_verdicts_of``
        self._verdicts_of: Compact | None = None
        self._listed = 0  # states whose actions were listed
        self._judged = 0  # states whose properties were judged
        self._final: Question[bool] = Question(model.is_final, _as_bool, GIVE_UP_CHEAP)
        self._representatives: dict[Compact, Compact] = {}
        self._key_functions: dict[Footprint, Callable[[Compact], Any]] = {}
        self._last_decoded: tuple[Compact | None, HandoffState | None] = (None, None)
        self.symmetric = reduces(model)
        self._symmetry = CompactSymmetry(self, _WORLD, len(ATOMIC))
        self._properties = tuple(
            self._compact_property(i, p) for i, p in enumerate(model.properties())
        )

    # --- the two forms ----------------------------------------------------------------------
    def encode(self, state: HandoffState) -> Compact:
        number = self.parts.number
        atomic = [number(getattr(state, name)) for name in ATOMIC]
        return (*atomic, *map(number, state.chans), *map(number, state.regs))

    def decode(self, cs: Compact) -> HandoffState:
        """The real state of ``cs``; the last one is kept at hand (compared by identity), as
        several questions about one state may miss in a row."""
        last, state = self._last_decoded
        if last is cs and state is not None:
            return state
        state = self._decode(cs)
        self._last_decoded = (cs, state)
        return state

    def _decode(
        self, cs: Compact, like: tuple[Compact, HandoffState] | None = None
    ) -> HandoffState:
        """``cs`` as a real state; ``like``: a compact state and its real one, whose pipes
        and registers tuples are shared where ``cs`` has the same ones (so identity tests on
        them, as partial-order reduction makes, see what an action left alone)."""
        if like is not None:
            other, real = like
            state = self._decode(cs)
            regs_at = self.regs_at
            same_chans = cs[len(ATOMIC) : regs_at] == other[len(ATOMIC) : regs_at]
            same_regs = cs[regs_at:] == other[regs_at:]
            if same_chans or same_regs:
                state = state._replace(
                    chans=real.chans if same_chans else state.chans,
                    regs=real.regs if same_regs else state.regs,
                )
            return state
        values = self.parts.values
        regs_at = self.regs_at
        chans = tuple(map(values.__getitem__, cs[len(ATOMIC) : regs_at]))
        regs = tuple(map(values.__getitem__, cs[regs_at:]))
        fields = [
            chans if source == _CHANS else regs if source == _REGS else values[cs[source]]  # type: ignore[index]
            for source in _SOURCES
        ]
        built: HandoffState = tuple.__new__(HandoffState, fields)
        return built

    def _footprint(self, reads: set[Read]) -> Footprint:
        """Reads as positions of a compact state."""
        positions: set[int] = set()
        all_regs = False
        for read in reads:
            name = read[0]
            if name == _CHANS:
                if read[1] == "*":
                    positions.update(range(len(ATOMIC), self.regs_at))
                else:
                    positions.add(len(ATOMIC) + int(read[1]))
            elif name == _REGS:
                if read[1] == "*":
                    all_regs = True
                else:
                    positions.add(self.regs_at + int(read[1]))
            else:
                positions.add(ATOMIC.index(name))
        return Footprint.of(positions, all_regs, self.regs_at)

    def _key_function(self, footprint: Footprint) -> Callable[[Compact], Any]:
        found = self._key_functions.get(footprint)
        if found is None:
            found = self._key_functions[footprint] = footprint.key_function(self.regs_at)
        return found

    def _learn(self, question: Question[R], cs: Compact, asked: int) -> R:
        """``question``'s answer in ``cs`` when it is not remembered: computed by its ``run``
        on the real state, watched, and turned by its ``answer_of`` into what is stored (with
        whether it may be: an answer that depends on more than the run read is returned, not
        stored).  The hot path, a lookup by ``question.key``, is in each caller, which says how
        often the question was ``asked``: one that misses on most asks stops remembering."""
        question.misses += 1
        if question.direct:
            return question.answer_of(question.run(self.decode(cs)), _EVERYTHING, _NO_WRITES, cs)[0]
        question.window_misses += 1
        if asked - question.window_start >= WINDOW:
            if question.warm and question.window_misses > WINDOW * question.give_up_at:
                question.give_up()
            question.warm = True
            question.window_start, question.window_misses = asked, 0
        result, reads, writes = watch(question.run, self.decode(cs))
        read = self._footprint(reads)
        answer, rememberable = question.answer_of(result, read, writes, cs)
        if not rememberable or question.direct:
            return answer
        footprint = question.footprint
        if footprint is None or not footprint.covers(read):
            footprint = read if footprint is None else footprint.union(read, self.regs_at)
            question.footprint = footprint
            question.key = self._key_function(footprint)
            question.answers = {}
            # A table started afresh misses on every key again: it gets a warm-up window.
            question.warm, question.window_start, question.window_misses = False, asked, 0
        try:
            key = question.key(cs)
        except IndexError:  # the footprint names a slot this state does not have
            return answer
        if len(question.answers) >= LIMIT:
            question.answers.clear()
        question.answers[key] = answer
        return answer

    # --- the Model protocol -----------------------------------------------------------------
    def init_states(self) -> Sequence[Compact]:
        return [self.encode(s) for s in self.model.init_states()]

    def actions(self, cs: Compact) -> list[Action]:
        choices = self._choices.get(len(cs))
        if choices is None:
            choices = self._choice_questions(len(cs))
        questions, layout = choices
        self._listed += 1
        answers: list[tuple[tuple[Action, ...], ...]] = []
        for question in questions:
            if question.direct:
                answers.append(
                    self._intern_actions(
                        question.run(self.decode(cs)), _EVERYTHING, _NO_WRITES, cs
                    )[0]
                )
                continue
            try:
                answers.append(question.answers[question.key(cs)])
            except (KeyError, IndexError):
                answers.append(self._learn(question, cs, self._listed))
        out: list[Action] = []
        for asked, place in layout:
            out.extend(answers[asked][place])
        if self._listed == WINDOW:
            self._merge_choices()
        return out

    def _choice_questions(self, length: int) -> tuple[list[Choice], list[tuple[int, int]]]:
        """The questions of ``HandoffModel.action_parts`` for states of ``length`` parts and
        where each part's actions are in their answers.  A question answers one part or, once
        merged (``_merge_choices``), several, as a tuple of the parts' actions, interned
        (``_intern_actions``)."""
        questions: list[Choice] = []
        layout: list[tuple[int, int]] = []
        for name, part in self.model.action_parts(length - self.regs_at):
            found = self._choice_by_name.get(name)
            if found is None:
                self._part_of[name] = part
                found = self._choice_by_name[name] = (self._choice_question((part,)), 0)
            question, place = found
            if question not in questions:
                questions.append(question)
            layout.append((questions.index(question), place))
        self._choices[length] = (questions, layout)
        return questions, layout

    def _choice_question(
        self, parts: Sequence[Callable[[HandoffState], Sequence[Action]]]
    ) -> Choice:
        def run(state: HandoffState) -> tuple[Sequence[Action], ...]:
            return tuple([part(state) for part in parts])

        question: Choice = Question(run, self._intern_actions, GIVE_UP_CHEAP)
        question.window_start = self._listed
        return question

    def _merge_choices(self) -> None:
        """Parts whose questions read the same parts of a state are asked as one question from
        now on (``_regroup`` does the same for properties): a process's steps and its timeouts
        read the same parts (measured: the same misses, 2,509, 2,682 and 813 each, in the
        seed's handoff with every fault), so one watched run and one lookup serve both."""
        asked = ((name, question) for name, (question, _) in self._choice_by_name.items())
        for names in _sharing_footprints(asked):
            merged = self._choice_question([self._part_of[name] for name in names])
            for place, name in enumerate(names):
                self._choice_by_name[name] = (merged, place)
        self._choices = {}  # laid out afresh when next asked

    def _intern_actions(
        self, result: Any, read: Footprint, writes: set[str], cs: Compact
    ) -> tuple[tuple[tuple[Action, ...], ...], bool]:
        """Enabled actions, part by part, as the objects ``execute`` knows by identity."""
        canonical = self._canonical
        for part in result:
            for action in part:
                if action not in canonical:
                    self._step_question(action)
        return tuple([tuple([canonical[action] for action in part]) for part in result]), True

    def _step_question(self, action: Action) -> Question[Delta]:
        """The question of ``action``'s successor.  The first object met for an action value
        is its canonical one, kept by the question for the whole search, so its ``id`` is never
        reused and ``execute`` finds the question by it."""
        question = self._steps.get(action)
        if question is None:
            question = Question(
                partial(self.model.execute, action=action), self._delta, GIVE_UP_STEPS
            )
            self._steps[action] = question
            self._step_by_id[id(action)] = question
            self._canonical[action] = action
        return question

    def next_state(self, cs: Compact, action: Action) -> Compact:
        return self.execute(cs, action)[0]

    def execute(self, cs: Compact, action: Action) -> tuple[Compact, Any]:
        question = self._step_by_id.get(id(action))
        if question is None:  # not an object ``actions`` gave: found by value
            question = self._step_question(action)
        question.asks += 1
        try:
            delta, tail, effect = question.answers[question.key(cs)]
        except (KeyError, IndexError):
            if question.direct:
                successor, effect = question.run(self.decode(cs))
                return self.encode(successor), effect
            delta, tail, effect = self._learn(question, cs, question.asks)
        if tail is None:
            new = list(cs)
        else:
            new = list(cs[: self.regs_at])
            new.extend(tail)
        for position, number in delta:
            new[position] = number
        return tuple(new), effect

    def _delta(
        self, outcome: Any, read: Footprint, writes: set[str], cs: Compact
    ) -> tuple[Delta, bool]:
        """What an action wrote, as (position, part number) pairs and a new register tail
        (``None``: the same slots), with its effect for traces; and whether that is a function
        of what it read (a new tail is only if the run read every slot)."""
        successor, effect = outcome
        if type(successor) is not Watched:  # built afresh, not by ``_replace``: taken whole
            whole = self.encode(successor)
            pairs_all = tuple(enumerate(whole[: self.regs_at]))
            return (pairs_all, whole[self.regs_at :], effect), False
        number, values = self.parts.number, self.parts.values
        fields: tuple[Any, ...] = tuple(tuple.__iter__(successor))  # past the watching
        pairs: list[tuple[int, int]] = []
        tail: tuple[int, ...] | None = None
        for i, name in enumerate(ATOMIC):
            if name in writes:
                pairs.append((i, number(fields[_FIELD_INDEX[name]])))
        if _CHANS in writes:
            chans: tuple[Any, ...] = fields[_FIELD_INDEX[_CHANS]]
            if len(chans) != self.chans:  # not a layout this encoding has
                raise ModelError("an action changed the number of pipes")
            for k, chan in enumerate(chans):
                if chan is not values[cs[len(ATOMIC) + k]]:
                    pairs.append((len(ATOMIC) + k, number(chan)))
        rememberable = True
        if _REGS in writes:
            regs: tuple[Any, ...] = fields[_FIELD_INDEX[_REGS]]
            if len(regs) != len(cs) - self.regs_at:
                tail = tuple(map(number, regs))
                rememberable = read.all_regs
            else:
                for j, r in enumerate(regs):
                    if r is not values[cs[self.regs_at + j]]:
                        pairs.append((self.regs_at + j, number(r)))
        return (tuple(pairs), tail, effect), rememberable

    def properties(self) -> Sequence[Property[Compact]]:
        return self._properties

    def _compact_property(self, index: int, prop: Property[HandoffState]) -> Property[Compact]:
        """``prop`` on compact states.  The checker asks each property of each new state in
        turn, so the first asked of a state answers every property of it at once (by the
        questions of ``_groups``), and the rest read that answer."""
        self._judges.append(prop.holds)
        self._groups.append(((index,), self._verdict_question((index,))))
        self._where.append((index, 0))

        def holds(cs: Compact) -> bool:
            if cs is not self._verdicts_of:
                self._all_verdicts(cs)
            group, place = self._where[index]
            return self._verdicts[group][place]

        return Property(prop.name, prop.rule, prop.expectation, holds, prop.explanation)

    def _verdict_question(self, indices: tuple[int, ...]) -> Question[tuple[bool, ...]]:
        """One question for the verdicts of the properties at ``indices``, together."""
        judges = [self._judges[i] for i in indices]

        def run(state: HandoffState) -> tuple[bool, ...]:
            return tuple([bool(judge(state)) for judge in judges])

        question: Question[tuple[bool, ...]] = Question(run, _as_verdicts, GIVE_UP_CHEAP)
        question.window_start = self._judged
        return question

    def _all_verdicts(self, cs: Compact) -> None:
        verdicts = []
        self._judged += 1
        for _, question in self._groups:
            if question.direct:
                verdicts.append(question.run(self.decode(cs)))
                continue
            try:
                verdicts.append(question.answers[question.key(cs)])
            except (KeyError, IndexError):
                verdicts.append(self._learn(question, cs, self._judged))
        self._verdicts, self._verdicts_of = verdicts, cs
        if self._judged == WINDOW:
            self._regroup()

    def _regroup(self) -> None:
        """Properties whose questions read the same parts are asked as one question from now
        on: one lookup instead of several, and one watched run when a key is new (measured:
        seven of the twelve properties of the seed's handoff with every fault read the world
        alone).  Made once, when the first window of states has shown each footprint."""
        merged = [
            tuple(i for indices in group for i in indices)
            for group in _sharing_footprints(self._groups)
        ]
        if not merged:
            return
        joined = {index for indices in merged for index in indices}
        kept = [(i, q) for i, q in self._groups if joined.isdisjoint(i)]
        self._groups = kept + [(indices, self._verdict_question(indices)) for indices in merged]
        for group, (indices, _) in enumerate(self._groups):
            for place, index in enumerate(indices):
                self._where[index] = (group, place)
        self._verdicts_of = None  # the answers by group are laid out afresh

    def is_final(self, cs: Compact) -> bool:
        question = self._final
        question.asks += 1
        try:
            return question.answers[question.key(cs)]
        except (KeyError, IndexError):
            return self._learn(question, cs, question.asks)

    def is_fair(self, action: Action) -> bool:
        return self.model.is_fair(action)

    def representative(self, cs: Compact) -> Compact:
        if not self.symmetric:
            return cs
        if self._symmetry.on_parts:
            return self._symmetry.canonical_with(cs)[0]
        found = self._representatives.get(cs)
        if found is None:
            found = self.encode(self.model.representative(self.decode(cs)))
            if len(self._representatives) >= LIMIT:
                self._representatives.clear()
            self._representatives[cs] = found
        return found

    def persistent(
        self, cs: Compact, actions: Sequence[Action], successors: Sequence[Compact]
    ) -> list[int] | None:
        """The model's persistent set (``models.scenario.independence``), asked of the real
        states: partial-order reduction measures reads itself.  Its first test, that some
        process has a step leaving the world and the pipes as they were, is made here on the
        part numbers (and the budget's test on its part), so the states are decoded only when
        they pass."""
        if not may_reduce(self.parts.values[cs[_BUDGET]]):
            return None
        unchanged = cs[: self.regs_at]
        world = _WORLD
        if not any(
            agent(action) is not None
            and after[world] == cs[world]
            and after[len(ATOMIC) : self.regs_at] == unchanged[len(ATOMIC) :]
            for action, after in zip(actions, successors, strict=True)
        ):
            return None
        state = self.decode(cs)
        return self.model.persistent(state, actions, _Decoded(self, successors, (cs, state)))

    def compact_form(self, symmetry: bool) -> None:
        """Already compact."""
        return None

    def fork_fingerprints(
        self, shares: int
    ) -> tuple[Callable[[Compact], int], Callable[[HandoffState], int]]:
        """Fingerprints for a search split over ``shares`` forked processes, which agree
        whatever each process numbered the parts: of this form's compact states, and of the
        model's own states (the same number for a state and its encoding)."""
        return PartHashes(self.parts, shares), partial(layout_hash, shares)

    def compact_lifting(self, lifting: HandoffLifting) -> CompactLifting:
        return CompactLifting(self, lifting)


class CompactLifting:
    """A model's symmetry (``lifted.Lifting``) on compact states: the renaming to a
    representative is the real state's, remembered per compact state."""

    def __init__(self, form: CompactHandoff, lifting: HandoffLifting) -> None:
        self._form = form
        self._lifting = lifting
        self.identity = lifting.identity
        self._answers: dict[Compact, tuple[Compact, Perm]] = {}

    def canonical_with(self, cs: Compact) -> tuple[Compact, Perm]:
        if not self._form.symmetric:
            return cs, self.identity
        if self._form._symmetry.on_parts:  # the targets' renaming alone, on part numbers
            return self._form._symmetry.canonical_with(cs)
        found = self._answers.get(cs)
        if found is None:
            state, perm = self._lifting.canonical_with(self._form.decode(cs))
            found = (self._form.encode(state), perm)
            if len(self._answers) >= LIMIT:
                self._answers.clear()
            self._answers[cs] = found
        return found

    def rename_action(self, action: Action, perm: Perm) -> Action:
        return self._lifting.rename_action(action, perm)


class _Decoded(Sequence[HandoffState]):
    """Compact successors decoded when looked at (a persistent set looks at few of them),
    each sharing its parent's tuples where equal (``CompactHandoff._decode``)."""

    def __init__(
        self, form: CompactHandoff, states: Sequence[Compact], like: tuple[Compact, HandoffState]
    ) -> None:
        self._form, self._states, self._like = form, states, like
        self._done: dict[int, HandoffState] = {}

    def __len__(self) -> int:
        return len(self._states)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        found = self._done.get(index)
        if found is None:
            found = self._done[index] = self._form._decode(self._states[index], self._like)
        return found
