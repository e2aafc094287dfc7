"""The parameterised proof of the reference-count invariant: any number of processes, handle
values, sockets and share records.

What is proved
--------------
For every operation of the twin that touches a handle table, a reference count or a share
record, over an *unbounded* world: if a state satisfies

    refs(k) == total(k) + shared_1002(k) + shared_1003(k)    for every socket k

(``total(k)``: present non-PROCESS handle cells naming k, in every table; ``shared_c(k)``: present
share records of provider c holding a reference to k) and the strengthening below, its successor
does too; and the initial world (no process, no socket, no record) satisfies them.  Each
(operation, formula) pair is one z3 query, unsat of its negation (``prove_parametric``).

The encoding
------------
A ``World`` is a set of functions over Int, with no bound: handle cells indexed by (process,
handle value) with ``present``, ``kind``, ``obj``; ``refs``: socket -> Int; per non-IFS provider,
share records indexed by a record id with ``present``, ``sock``, ``holds``, ``pid``; and the
counters ``nprocs``, ``nsocks`` (slots and sockets are the prefixes 0..n-1, as in the twin).  A
fresh world reads free z3 arrays; an update wraps the old function in an ``If``, so a formula
about a successor at a given point is a ground term over the pre-state's arrays (no store or
lambda for z3 to reason about: fast, and stable from run to run).  In every state reachable from
the initial one finitely many cells and records are present (each operation adds at most one),
so every count below is the cardinality of a finite set.

Cardinality is not first-order, so the counts are ghosts (``Counts``): ``row(p, k)`` (process
p's cells naming socket k), ``total(k)``, ``shared_c(k)`` and ``shared_of_c(q, k)`` (provider
c's holding records for socket k made for pid q).  In the pre-state the ghosts are free arrays,
*assumed* to be the true counts.  The post-state's are not free: a transfer lemma
computes them from the pre-state's, saying how the true counts change under the one kind of
change the operation makes.  So if the ghosts are the true counts of s, the computed ones are
the true counts of s', and the invariant proved of (s', computed ghosts) is proved of s'.

An operation changes tables and records only through four changes, each with its lemma
(``LEMMAS``; the derivation from the generic sum facts below is in each docstring):

* ``store-cell``: cell (p0, v0) gets new (present, kind, obj).  With d(k) = [new cell names k]
  - [old cell names k]: row'(p0, k) = row(p0, k) + d(k), other rows and the share counts
  unchanged, total'(k) = total(k) + d(k).
* ``clear-row``: every cell of p0 goes (exit rundown; Spawn's fresh row).  row'(p0, k) = 0,
  other rows unchanged, total'(k) = total(k) - row(p0, k).
* ``store-record``: record r0 of provider c gets new fields.  shared_c and shared_of_c change by
  [the new record holds k (for q)] - [the old one did]; nothing else changes.
* ``purge``: provider c's records for pid q0 go.  shared_of_c'(q0, k) = 0, other pids unchanged,
  shared_c'(k) = shared_c(k) - shared_of_c(q0, k).

and facts of the counts of any one state (``static_lemmas``): a count that is not 0 has a
witness (a cell of p naming k for ``row``, some cell for ``total``, a record for ``shared_c``).
Only the operations that need them assume them (``STATIC_NEEDS``: a new socket's index is named
by nothing, a spawned slot's row is empty); more quantified assumptions only slow z3 down.

Why the lemmas are sound: checked, not assumed
----------------------------------------------
They are facts about finite sums, independent of the protocol, and two z3 checks back them:

* ``check_lemmas(universe)``: over an explicit finite universe (P processes x H values x T
  records per provider; socket k and pid q stay free integers, so any number of sockets and
  pids), the counts are explicit sums (``true_counts``), and each lemma, *the very function the
  proof calls*, is proved for an arbitrary pre-state and an arbitrary change of its kind (and the
  witness facts for an arbitrary state).  A wrong lemma (a row clear that forgets to subtract) is
  refuted there; the tests show it.
* ``prove_sum_facts()``: the generic facts the lemmas are instances of, for sums of *every*
  length n, each by induction on n (z3 proves the base case and the step, with the sum known only
  through S(0) = 0 and S(n+1) = S(n) + a(n)): point change, all-zero, linearity, witness, and
  padding (terms past the support add nothing, so which finite enumeration of the cells a count
  sums over does not matter).  ``row``, ``shared_c`` and ``shared_of_c`` are such sums of 0/1
  terms, ``total`` is the sum of the rows.  The step from these generic facts to each lemma is by
  hand (its docstring), and is what ``check_lemmas`` checks at every small size.

The strengthening (quantified, proved inductive alongside): ``counters`` (nprocs, nsocks >= 0),
``handles-name-sockets`` (a present non-PROCESS cell names a socket 0 <= k < nsocks),
``records-name-sockets`` (so does a present record), ``unused-slots-empty`` (no present cell in a
slot outside 0..nprocs-1).  The initial world with all counts 0 satisfies every formula
(``initial_holds``; that its true counts are 0 is the ``empty`` check of ``check_lemmas``).

Counterexamples
---------------
A query that is not unsat is not reported as a bug on the strength of a model of the quantified
query (its ghosts need not be anyone's true counts).  Instead ``search_counterexample`` looks for
a concrete finite world (inside a small ``Universe``, counts as explicit sums, no quantifier, no
lemma) that satisfies every formula and that the operation takes to a violation; only that is a
counterexample, with its values.  Otherwise the verdict is unknown.  The same kind of search
shows each operation enabled in some such world (``enabled_somewhere``), so that no proof is
about an empty set of transitions.

The operations, and where the twin comes in
-------------------------------------------
``OPERATIONS`` mirror the twin's helpers: ``new_socket``, ``add_handle`` (socket and process
handles), ``modify_ifs_handle``, ``close_handle``, ``rundown``, ``Spawn``'s fresh row, the IFS
and non-IFS ``duplicate``, ``claim_found`` (a new WPU handle, then ``consume``), ``consume``
alone (the claim of a closed socket) and ``on_process_exit``.  Their arguments are free: any
cell, record, pid.  The protocol choices come from the twin under proof: how many references
closing a socket handle drops is ``twin.close_drops()`` (close_handle and rundown: so
``close-drops-twice`` and ``close-drops-none`` give counterexamples), and whether a non-IFS
duplicate takes its reference at once is ``HOLDS_AT_DUPLICATE``, the constant
``Twin.duplicate`` reads.

Beyond those two, ``check_link(twin, bounds)`` ties each operation to the twin's own method:
over every bounded twin state (at small bounds), whenever the twin's helper succeeds with
arguments the operation also takes, the two agree on every handle cell, reference count, share
record and counter (and they do run together somewhere, else the link is ``vacuous``).  So a
seeded bug that overrides a helper (``no-rundown``, ``accept-twice``, ``keeps-dead-shares`` ...)
shows as a link that ``differs``: the proof then does not speak for that twin
(``ParametricResult.holds`` is False), whether or not the bug breaks the count (those do not;
``induction`` finds what they break).  ``holds`` is: proved, every operation enabled somewhere,
every link matches, and every counting fact proved.

What this does not cover
------------------------
* The link is checked at small bounds only, and on effects, not on guards: that each twin call
  site meets the operation's guard (a live slot, a free cell, a descriptor as source, a born
  socket) is argued by hand from the twin's code, not checked here.  Guards are otherwise weaker
  than the twin's (any free cell rather than the lowest, any pid, no liveness test for a purge),
  which covers more transitions, not fewer.
* Only the reference bookkeeping: socket status, options, events, the ghosts and the other
  invariants are the business of the bounded induction (``induction``), which covers the concrete
  per-cell semantics and every action, error paths included, within its bounds.
* Processes and sockets are indices 0..n-1 that only grow, as in the twin; pid reuse only matters
  through ``on_process_exit``, whose purge is allowed for any pid.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import z3
from z3 import z3util

from properties.smt.state import (
    HOLDS_AT_DUPLICATE,
    IFS,
    IFS_CATALOG,
    NONIFS_CATALOGS,
    PENDING,
    PROCESS,
    WPU,
    Bounds,
    SymState,
    fresh,
    pick,
    value_of,
)
from properties.smt.twin import Twin

INT = z3.IntSort()
BOOL = z3.BoolSort()
PROVIDERS = tuple(range(len(NONIFS_CATALOGS)))  # c stands for NONIFS_CATALOGS[c]
PROVED, COUNTEREXAMPLE, UNKNOWN = "proved", "counterexample", "unknown"
MATCHES, DIFFERS, VACUOUS = "matches", "differs", "vacuous"


def one(b: Any) -> Any:
    return z3.If(b, 1, 0)


def total_of(terms: list[Any]) -> Any:
    return z3.Sum(terms) if terms else z3.IntVal(0)


def status_of(answer: z3.CheckSatResult) -> str:
    """unsat of a negation is a proof, sat a counterexample, anything else no answer."""
    if answer == z3.unsat:
        return PROVED
    return COUNTEREXAMPLE if answer == z3.sat else UNKNOWN


def solve(timeout_ms: int, *facts: Any) -> tuple[z3.CheckSatResult, z3.Solver]:
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(*facts)
    return solver.check(), solver


def _with(items: tuple[Any, ...], i: int, x: Any) -> tuple[Any, ...]:
    return (*items[:i], x, *items[i + 1 :])


# Arrays are Python functions from index terms to a term: a fresh array reads a z3 array; an
# update is an ``If`` around the old function.  Every formula over a post-state at a ground probe
# is then ground (no array store or lambda for z3 to reason about), which makes the proofs fast
# and their answers stable.
F1 = Callable[[Any], Any]
F2 = Callable[[Any, Any], Any]


def read1(a: Any) -> F1:
    return lambda i: a[i]


def read2(a: Any) -> F2:
    return lambda i, j: a[i, j]


def const1(x: Any) -> F1:
    return lambda i: x


def const2(x: Any) -> F2:
    return lambda i, j: x


def put1(f: F1, i0: Any, x: Any) -> F1:
    return lambda i: z3.If(i == i0, x, f(i))


def put2(f: F2, i0: Any, j0: Any, x: Any) -> F2:
    return lambda i, j: z3.If(z3.And(i == i0, j == j0), x, f(i, j))


def choose1(c: Any, f: F1, g: F1) -> F1:
    return lambda i: z3.If(c, f(i), g(i))


# --- the unbounded world -------------------------------------------------------------------------
@dataclass(frozen=True)
class Records:
    """One non-IFS provider's share records, by record id (any Int)."""

    present: F1  # Int -> Bool
    sock: F1  # Int -> Int
    holds: F1  # Int -> Bool
    pid: F1  # Int -> Int


@dataclass(frozen=True)
class World:
    nprocs: Any
    nsocks: Any
    hp: F2  # (process, value) -> Bool: present
    hk: F2  # (process, value) -> kind
    ho: F2  # (process, value) -> obj (a socket, or a slot for a PROCESS handle)
    refs: F1  # socket -> Int
    recs: tuple[Records, ...]  # one per NONIFS_CATALOGS entry


def fresh_world(tag: str) -> World:
    def grid(name: str, sort: Any) -> F2:
        return read2(z3.Array(f"{name}_{tag}", INT, INT, sort))

    def line(name: str, sort: Any) -> F1:
        return read1(z3.Array(f"{name}_{tag}", INT, sort))

    return World(
        z3.Int(f"nprocs_{tag}"),
        z3.Int(f"nsocks_{tag}"),
        grid("hp", BOOL),
        grid("hk", INT),
        grid("ho", INT),
        line("refs", INT),
        tuple(
            Records(
                line(f"rp{c}", BOOL), line(f"rs{c}", INT), line(f"rh{c}", BOOL), line(f"rq{c}", INT)
            )
            for c in PROVIDERS
        ),
    )


def initial_world() -> World:
    """``Semantics.initial_world``: no process, no socket, no handle, no record."""
    w = fresh_world("init")
    return replace(
        w,
        nprocs=z3.IntVal(0),
        nsocks=z3.IntVal(0),
        hp=const2(z3.BoolVal(False)),
        refs=const1(z3.IntVal(0)),
        recs=tuple(replace(r, present=const1(z3.BoolVal(False))) for r in w.recs),
    )


def named(w: World, p: Any, v: Any, k: Any) -> Any:
    """Cell (p, v) is a present socket handle (not a process handle) naming socket k."""
    return z3.And(w.hp(p, v), w.hk(p, v) != PROCESS, w.ho(p, v) == k)


def held(rs: Records, r: Any, k: Any) -> Any:
    """Record r is present and holds a reference to socket k."""
    return z3.And(rs.present(r), rs.holds(r), rs.sock(r) == k)


def held_for(rs: Records, r: Any, q: Any, k: Any) -> Any:
    return z3.And(held(rs, r, k), rs.pid(r) == q)


# --- the four changes: the only ways an operation changes tables and records ---------------------
@dataclass(frozen=True)
class CellChange:
    p: Any
    v: Any
    present: Any
    kind: Any
    obj: Any


@dataclass(frozen=True)
class RowClear:
    p: Any


@dataclass(frozen=True)
class RecordChange:
    c: int
    r: Any
    present: Any
    sock: Any
    holds: Any
    pid: Any


@dataclass(frozen=True)
class Purge:
    c: int
    q: Any


def store_cell(w: World, ch: CellChange) -> World:
    return replace(
        w,
        hp=put2(w.hp, ch.p, ch.v, ch.present),
        hk=put2(w.hk, ch.p, ch.v, ch.kind),
        ho=put2(w.ho, ch.p, ch.v, ch.obj),
    )


def clear_row(w: World, ch: RowClear) -> World:
    return replace(w, hp=lambda p, v: z3.And(w.hp(p, v), p != ch.p))


def store_record(w: World, ch: RecordChange) -> World:
    rs = w.recs[ch.c]
    new = Records(
        put1(rs.present, ch.r, ch.present),
        put1(rs.sock, ch.r, ch.sock),
        put1(rs.holds, ch.r, ch.holds),
        put1(rs.pid, ch.r, ch.pid),
    )
    return replace(w, recs=_with(w.recs, ch.c, new))


def purge(w: World, ch: Purge) -> World:
    rs = w.recs[ch.c]

    def present(r: Any) -> Any:
        return z3.And(rs.present(r), rs.pid(r) != ch.q)

    return replace(w, recs=_with(w.recs, ch.c, replace(rs, present=present)))


# --- ghost counts and the transfer lemmas --------------------------------------------------------
@dataclass(frozen=True)
class Counts:
    row: F2  # (process, socket) -> Int
    total: F1  # socket -> Int
    shared: tuple[F1, ...]  # per provider: socket -> Int
    shared_of: tuple[F2, ...]  # per provider: (pid, socket) -> Int


def fresh_counts(tag: str) -> Counts:
    return Counts(
        read2(z3.Array(f"row_{tag}", INT, INT, INT)),
        read1(z3.Array(f"total_{tag}", INT, INT)),
        tuple(read1(z3.Array(f"shared{c}_{tag}", INT, INT)) for c in PROVIDERS),
        tuple(read2(z3.Array(f"shared_of{c}_{tag}", INT, INT, INT)) for c in PROVIDERS),
    )


def zero_counts() -> Counts:
    """The counts of the initial world: every set is empty (an empty sum is 0)."""
    zero1, zero2 = const1(z3.IntVal(0)), const2(z3.IntVal(0))
    return Counts(zero2, zero1, tuple(zero1 for _ in PROVIDERS), tuple(zero2 for _ in PROVIDERS))


Lemma = Callable[[World, Counts, Any], tuple[World, Counts]]


def lemma_store_cell(w: World, g: Counts, ch: CellChange) -> tuple[World, Counts]:
    """Point change (row p0 is a sum over values; one term, at v0, changes by d(k)); then point
    change of the sum of rows (the term at p0 changes by d(k)); the share sums are untouched."""
    post = store_cell(w, ch)

    def d(k: Any) -> Any:
        return one(named(post, ch.p, ch.v, k)) - one(named(w, ch.p, ch.v, k))

    def row(p: Any, k: Any) -> Any:
        return g.row(p, k) + z3.If(p == ch.p, d(k), 0)

    def total(k: Any) -> Any:
        return g.total(k) + d(k)

    return post, replace(g, row=row, total=total)


def lemma_clear_row(w: World, g: Counts, ch: RowClear) -> tuple[World, Counts]:
    """All-zero (row p0 becomes a sum of zeros); point change of the sum of rows (the term at p0
    goes from row(p0, k) to 0); other rows' terms are untouched."""
    post = clear_row(w, ch)

    def row(p: Any, k: Any) -> Any:
        return z3.If(p == ch.p, 0, g.row(p, k))

    def total(k: Any) -> Any:
        return g.total(k) - g.row(ch.p, k)

    return post, replace(g, row=row, total=total)


def lemma_store_record(w: World, g: Counts, ch: RecordChange) -> tuple[World, Counts]:
    """Point change at r0 of provider c's sums over records (per pid and over all pids)."""
    post = store_record(w, ch)
    old, new = w.recs[ch.c], post.recs[ch.c]
    before, before_of = g.shared[ch.c], g.shared_of[ch.c]

    def shared(k: Any) -> Any:
        return before(k) + one(held(new, ch.r, k)) - one(held(old, ch.r, k))

    def shared_of(q: Any, k: Any) -> Any:
        return before_of(q, k) + one(held_for(new, ch.r, q, k)) - one(held_for(old, ch.r, q, k))

    return post, replace(
        g, shared=_with(g.shared, ch.c, shared), shared_of=_with(g.shared_of, ch.c, shared_of)
    )


def lemma_purge(w: World, g: Counts, ch: Purge) -> tuple[World, Counts]:
    """Linearity ([holds k] = [holds k, pid != q0] + [holds k, pid == q0], term by term, and the
    first is the new term); all-zero for q0's sum afterwards; other pids' terms untouched."""
    post = purge(w, ch)
    before, before_of = g.shared[ch.c], g.shared_of[ch.c]

    def shared(k: Any) -> Any:
        return before(k) - before_of(ch.q, k)

    def shared_of(q: Any, k: Any) -> Any:
        return z3.If(q == ch.q, 0, before_of(q, k))

    return post, replace(
        g, shared=_with(g.shared, ch.c, shared), shared_of=_with(g.shared_of, ch.c, shared_of)
    )


LEMMAS: dict[str, Lemma] = {
    "store-cell": lemma_store_cell,
    "clear-row": lemma_clear_row,
    "store-record": lemma_store_record,
    "purge": lemma_purge,
}


class Exists:
    """An existential over cells, values or records: quantified (unbounded world) or, over a
    finite ``Universe``, a disjunction."""

    def __init__(self, universe: Universe | None = None) -> None:
        self.u = universe

    def value(self, f: Callable[[Any], Any]) -> Any:
        if self.u is None:
            v = z3.Int("wv!")
            return z3.Exists([v], f(v))
        return z3.Or([f(z3.IntVal(j)) for j in range(self.u.values)])

    def cell(self, f: Callable[[Any, Any], Any]) -> Any:
        if self.u is None:
            p, v = z3.Int("wp!"), z3.Int("wv!")
            return z3.Exists([p, v], f(p, v))
        return z3.Or([f(z3.IntVal(i), z3.IntVal(j)) for i, j in self.u.cells()])

    def record(self, f: Callable[[Any], Any]) -> Any:
        if self.u is None:
            r = z3.Int("wr!")
            return z3.Exists([r], f(r))
        return z3.Or([f(z3.IntVal(n)) for n in range(self.u.records)])


def static_lemmas(w: World, g: Counts, ex: Exists, p: Any, k: Any) -> dict[str, Any]:
    """Witness: a count that is not 0 has a term that is not 0 (for ``total``, over the rows and
    then within the row)."""
    out = {
        "row-witness": z3.Implies(g.row(p, k) != 0, ex.value(lambda v: named(w, p, v, k))),
        "total-witness": z3.Implies(g.total(k) != 0, ex.cell(lambda a, v: named(w, a, v, k))),
    }
    for c, rs in zip(PROVIDERS, w.recs, strict=True):
        out[f"shared-witness-{NONIFS_CATALOGS[c]}"] = z3.Implies(
            g.shared[c](k) != 0, ex.record(holder(rs, k))
        )
    return out


def holder(rs: Records, k: Any) -> F1:
    return lambda r: held(rs, r, k)


# --- the invariant and its strengthening ---------------------------------------------------------
@dataclass(frozen=True)
class Probe:
    """Where a formula is looked at: a cell (p, v), a record id r, a socket k."""

    p: Any
    v: Any
    r: Any
    k: Any

    @staticmethod
    def fresh(tag: str) -> Probe:
        return Probe(*(z3.Int(f"{n}_{tag}") for n in ("p", "v", "r", "k")))


Formula = Callable[[World, Counts, Probe], Any]


def born(w: World, k: Any) -> Any:
    return z3.And(k >= 0, k < w.nsocks)


def reference_count(w: World, g: Counts, x: Probe) -> Any:
    """R7, R11: refs(k) == handles naming k + share records holding k."""
    return w.refs(x.k) == g.total(x.k) + total_of([s(x.k) for s in g.shared])


def counters(w: World, g: Counts, x: Probe) -> Any:
    return z3.And(w.nprocs >= 0, w.nsocks >= 0)


def handles_name_sockets(w: World, g: Counts, x: Probe) -> Any:
    sock = z3.And(w.hp(x.p, x.v), w.hk(x.p, x.v) != PROCESS)
    return z3.Implies(sock, born(w, w.ho(x.p, x.v)))


def records_name_sockets(w: World, g: Counts, x: Probe) -> Any:
    return z3.And([z3.Implies(rs.present(x.r), born(w, rs.sock(x.r))) for rs in w.recs])


def unused_slots_empty(w: World, g: Counts, x: Probe) -> Any:
    return z3.Implies(w.hp(x.p, x.v), z3.And(x.p >= 0, x.p < w.nprocs))


FORMULAS: dict[str, Formula] = {
    "reference-count": reference_count,
    "counters": counters,
    "handles-name-sockets": handles_name_sockets,
    "records-name-sockets": records_name_sockets,
    "unused-slots-empty": unused_slots_empty,
}


def forall(probes: list[Any], fact: Any) -> Any:
    """``fact`` for every value of those ``probes`` that occur in it (one quantifier per fact,
    over just its own variables, so that z3 finds a trigger for each)."""
    free = z3util.get_vars(fact)
    bound = [x for x in probes if any(z3.eq(x, y) for y in free)]
    return z3.ForAll(bound, fact) if bound else fact


def holds_everywhere(w: World, g: Counts) -> list[Any]:
    """Every formula at every probe (quantified)."""
    x = Probe(*(z3.Int(f"{n}!") for n in ("p", "v", "r", "k")))
    return [forall([x.p, x.v, x.r, x.k], f(w, g, x)) for f in FORMULAS.values()]


def counts_facts(w: World, g: Counts, names: tuple[str, ...]) -> list[Any]:
    """The static lemmas ``names`` at every probe (quantified)."""
    p, k = z3.Int("p!"), z3.Int("k!")
    facts = static_lemmas(w, g, Exists(), p, k)
    return [forall([p, k], facts[name]) for name in names]


# --- the operations ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    guard: Any
    post: World
    counts: Counts
    params: dict[str, Any]
    cells: tuple[tuple[Any, Any], ...] = ()  # the cells it writes
    records: tuple[tuple[int, Any], ...] = ()  # the records it writes (provider, id)


Operation = Callable[[Twin, World, Counts], Step]


def add_ref(w: World, k: Any, n: Any = 1) -> World:
    return replace(w, refs=put1(w.refs, k, w.refs(k) + n))


def add_handle(w: World, g: Counts, p: Any, v: Any, obj: Any, kind: Any) -> tuple[World, Counts]:
    """``Twin.add_handle`` at a free cell: a socket handle holds a reference, a process one not."""
    post, g2 = lemma_store_cell(w, g, CellChange(p, v, z3.BoolVal(True), kind, obj))
    return replace(post, refs=choose1(kind != PROCESS, add_ref(post, obj).refs, post.refs)), g2


def consume(w: World, g: Counts, c: int, r: Any) -> tuple[World, Counts]:
    """``Twin.consume``: the record goes; if it held a reference, that reference is dropped."""
    rs = w.recs[c]
    ch = RecordChange(c, r, z3.BoolVal(False), rs.sock(r), rs.holds(r), rs.pid(r))
    post, g2 = lemma_store_record(w, g, ch)
    dropped = add_ref(post, rs.sock(r), -1)
    return replace(post, refs=choose1(rs.holds(r), dropped.refs, post.refs)), g2


def free_cell(w: World, p: Any, v: Any) -> Any:
    """A cell not in use in a slot that exists (the twin picks the lowest value; any here)."""
    return z3.And(p >= 0, p < w.nprocs, z3.Not(w.hp(p, v)))


def descriptor(w: World, p: Any, v: Any, kinds: tuple[int, ...]) -> Any:
    return z3.And(w.hp(p, v), z3.Or([w.hk(p, v) == n for n in kinds]))


def op_new_socket(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.new_socket``: socket nsocks appended, with no reference and nothing naming it."""
    n = w.nsocks
    post = replace(w, nsocks=n + 1, refs=put1(w.refs, n, z3.IntVal(0)))
    return Step(z3.BoolVal(True), post, g, {"k": n})


def op_add_socket_handle(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.add_handle`` of a socket handle (``create``, a claim): one more reference."""
    p, v, k, kind = z3.Ints("p v k kind")
    guard = z3.And(free_cell(w, p, v), born(w, k), z3.Or([kind == n for n in (PENDING, IFS, WPU)]))
    post, g2 = add_handle(w, g, p, v, k, kind)
    return Step(guard, post, g2, {"p": p, "v": v, "k": k, "kind": kind}, ((p, v),))


def op_add_process_handle(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.add_handle`` of a process handle (``OpenProcess``): no socket reference."""
    p, v, target = z3.Ints("p v target")
    guard = z3.And(free_cell(w, p, v), target >= 0, target < w.nprocs)
    post, g2 = add_handle(w, g, p, v, target, z3.IntVal(PROCESS))
    return Step(guard, post, g2, {"p": p, "v": v, "target": target}, ((p, v),))


def op_modify_ifs_handle(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.modify_ifs_handle``: a PENDING handle becomes IFS (same socket, same reference)."""
    p, v = z3.Ints("p v")
    guard = z3.And(w.hp(p, v), w.hk(p, v) == PENDING)
    ch = CellChange(p, v, z3.BoolVal(True), z3.IntVal(IFS), w.ho(p, v))
    post, g2 = lemma_store_cell(w, g, ch)
    return Step(guard, post, g2, {"p": p, "v": v}, ((p, v),))


def op_close_handle(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.close_handle`` of any cell: it goes; a socket handle drops ``close_drops()``."""
    p, v = z3.Ints("p v")
    sock, k = z3.And(w.hp(p, v), w.hk(p, v) != PROCESS), w.ho(p, v)
    post, g2 = lemma_store_cell(w, g, CellChange(p, v, z3.BoolVal(False), w.hk(p, v), k))
    drops = t.close_drops()
    if drops != 0:
        post = replace(post, refs=choose1(sock, add_ref(post, k, -drops).refs, post.refs))
    params = {"p": p, "v": v, "k": k, "drops": z3.IntVal(drops)}
    return Step(z3.BoolVal(True), post, g2, params, ((p, v),))


def op_rundown(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.rundown``: every handle of p closes, ``close_drops()`` per socket handle (the twin
    sums them per socket: drops x row(p, k))."""
    p = z3.Int("p")
    post, g2 = lemma_clear_row(w, g, RowClear(p))
    drops = t.close_drops()
    post = replace(post, refs=lambda k: w.refs(k) - drops * g.row(p, k))
    return Step(z3.BoolVal(True), post, g2, {"p": p, "drops": z3.IntVal(drops)})


def op_spawn(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.Spawn``: slot nprocs appended with a fresh (cleared) table; no reference moves."""
    n = w.nprocs
    post, g2 = lemma_clear_row(w, g, RowClear(n))
    return Step(z3.BoolVal(True), replace(post, nprocs=n + 1), g2, {"p": n})


def op_ifs_duplicate(t: Twin, w: World, g: Counts) -> Step:
    """``Twin.duplicate`` (IFS): a PENDING handle for the source's socket in the target's table."""
    ps, vs, pt, vt = z3.Ints("ps vs pt vt")
    guard = z3.And(descriptor(w, ps, vs, (IFS, WPU)), free_cell(w, pt, vt))
    post, g2 = add_handle(w, g, pt, vt, w.ho(ps, vs), z3.IntVal(PENDING))
    params = {"ps": ps, "vs": vs, "pt": pt, "vt": vt, "k": w.ho(ps, vs)}
    return Step(guard, post, g2, params, ((pt, vt),))


def op_nonifs_duplicate(c: int) -> Operation:
    cat = NONIFS_CATALOGS[c]

    def op(t: Twin, w: World, g: Counts) -> Step:
        """``Twin.duplicate`` (non-IFS): a record for pid q; a reference iff HOLDS_AT_DUPLICATE."""
        ps, vs, r, q = z3.Ints("ps vs r q")
        k, holds = w.ho(ps, vs), HOLDS_AT_DUPLICATE[cat]
        guard = z3.And(descriptor(w, ps, vs, (WPU,)), z3.Not(w.recs[c].present(r)))
        ch = RecordChange(c, r, z3.BoolVal(True), k, z3.BoolVal(holds), q)
        post, g2 = lemma_store_record(w, g, ch)
        if holds:
            post = add_ref(post, k)
        params = {"ps": ps, "vs": vs, "r": r, "q": q, "k": k}
        return Step(guard, post, g2, params, records=((c, r),))

    return op


def op_claim(c: int) -> Operation:
    def op(t: Twin, w: World, g: Counts) -> Step:
        """``Twin.claim_found``: a WPU handle for the record's socket (a reference), then
        ``consume`` (a held reference is dropped: net, it passes to the new handle)."""
        r, p, v = z3.Ints("r p v")
        rs = w.recs[c]
        guard = z3.And(rs.present(r), free_cell(w, p, v))
        s1, g1 = add_handle(w, g, p, v, rs.sock(r), z3.IntVal(WPU))
        post, g2 = consume(s1, g1, c, r)
        params = {"r": r, "p": p, "v": v, "k": rs.sock(r)}
        return Step(guard, post, g2, params, ((p, v),), ((c, r),))

    return op


def op_consume(c: int) -> Operation:
    def op(t: Twin, w: World, g: Counts) -> Step:
        """``Twin.consume`` alone (the claim of a closed socket): the record and its hold go."""
        r = z3.Int("r")
        post, g2 = consume(w, g, c, r)
        params = {"r": r, "k": w.recs[c].sock(r)}
        return Step(w.recs[c].present(r), post, g2, params, records=((c, r),))

    return op


def op_purge(c: int) -> Operation:
    def op(t: Twin, w: World, g: Counts) -> Step:
        """``Twin.on_process_exit``: the records for pid q go, one reference per holding one
        (the twin does it when no live process has q; any q is allowed here)."""
        q = z3.Int("q")
        post, g2 = lemma_purge(w, g, Purge(c, q))
        post = replace(post, refs=lambda k: w.refs(k) - g.shared_of[c](q, k))
        return Step(z3.BoolVal(True), post, g2, {"q": q})

    return op


OPERATIONS: dict[str, Operation] = {
    "new_socket": op_new_socket,
    "add_handle(socket)": op_add_socket_handle,
    "add_handle(process)": op_add_process_handle,
    "modify_ifs_handle": op_modify_ifs_handle,
    "close_handle": op_close_handle,
    "rundown": op_rundown,
    "spawn": op_spawn,
    "duplicate(IFS)": op_ifs_duplicate,
    **{f"duplicate({cat})": op_nonifs_duplicate(c) for c, cat in enumerate(NONIFS_CATALOGS)},
    **{f"claim({cat})": op_claim(c) for c, cat in enumerate(NONIFS_CATALOGS)},
    **{f"consume({cat})": op_consume(c) for c, cat in enumerate(NONIFS_CATALOGS)},
    **{f"on_process_exit({cat})": op_purge(c) for c, cat in enumerate(NONIFS_CATALOGS)},
}
# The static lemmas each operation's proof assumes (all of them are proved by check_lemmas).
STATIC_NEEDS: dict[str, tuple[str, ...]] = {
    "new_socket": ("total-witness", *(f"shared-witness-{c}" for c in NONIFS_CATALOGS)),
    "spawn": ("row-witness",),
}


# --- explicit finite worlds ----------------------------------------------------------------------
@dataclass(frozen=True)
class Universe:
    """An explicit finite world: P processes x H values, T records per provider, S sockets
    (the lemma checks leave the socket free, so any number; the counterexample search uses S)."""

    procs: int = 3
    values: int = 3
    records: int = 3
    sockets: int = 2

    def cells(self) -> list[tuple[int, int]]:
        return [(i, j) for i in range(self.procs) for j in range(self.values)]

    def __str__(self) -> str:
        return (
            f"{self.procs} processes x {self.values} values, {self.records} records per "
            f"provider, {self.sockets} sockets"
        )


def true_counts(w: World, u: Universe) -> Counts:
    """The counts of ``w``'s cells and records inside ``u``, as explicit sums (the definition)."""
    cells = [(z3.IntVal(i), z3.IntVal(j)) for i, j in u.cells()]
    ids = [z3.IntVal(n) for n in range(u.records)]

    def row(p: Any, k: Any) -> Any:
        return total_of([one(z3.And(p == a, named(w, a, v, k))) for a, v in cells])

    def total(k: Any) -> Any:
        return total_of([one(named(w, a, v, k)) for a, v in cells])

    def shared(rs: Records) -> F1:
        return lambda k: total_of([one(held(rs, r, k)) for r in ids])

    def shared_of(rs: Records) -> F2:
        return lambda q, k: total_of([one(held_for(rs, r, q, k)) for r in ids])

    return Counts(
        row, total, tuple(shared(rs) for rs in w.recs), tuple(shared_of(rs) for rs in w.recs)
    )


def inside(u: Universe, step: Step) -> list[Any]:
    """The cells and records ``step`` writes lie in ``u``."""
    out = [z3.And(p >= 0, p < u.procs, v >= 0, v < u.values) for p, v in step.cells]
    return out + [z3.And(r >= 0, r < u.records) for _, r in step.records]


def finite_world(u: Universe, tag: str) -> tuple[World, Any]:
    """A world with nothing outside ``u`` (cells, records, sockets), and its shape constraint."""
    w = fresh_world(tag)

    def hp(p: Any, v: Any) -> Any:
        return z3.And(p >= 0, p < u.procs, v >= 0, v < u.values, w.hp(p, v))

    def refs(k: Any) -> Any:
        return z3.If(z3.And(k >= 0, k < u.sockets), w.refs(k), 0)

    def present(rs: Records) -> F1:
        return lambda r: z3.And(r >= 0, r < u.records, rs.present(r))

    recs = tuple(replace(rs, present=present(rs)) for rs in w.recs)
    shape = z3.And(w.nprocs >= 0, w.nprocs <= u.procs, w.nsocks >= 0, w.nsocks <= u.sockets)
    return replace(w, hp=hp, refs=refs, recs=recs), shape


def probes(u: Universe) -> list[Probe]:
    """Every probe inside ``u`` (outside it, every formula holds of a world of ``finite_world``
    that satisfies them inside: nothing is present there and nothing names a socket there)."""
    return [
        Probe(z3.IntVal(i), z3.IntVal(j), z3.IntVal(n), z3.IntVal(k))
        for i, j in u.cells()
        for n in range(u.records)
        for k in range(u.sockets)
    ]


# --- the proof -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    operation: str
    formula: str
    status: str  # PROVED, COUNTEREXAMPLE or UNKNOWN
    seconds: float
    values: dict[str, int] = field(default_factory=dict)  # a counterexample's values


@dataclass
class ParametricResult:
    twin: str
    initial_ok: bool = False
    verdicts: list[Verdict] = field(default_factory=list)
    enabled: dict[str, bool] = field(default_factory=dict)  # operation -> fires somewhere
    link: dict[str, str] = field(default_factory=dict)  # operation -> MATCHES, DIFFERS, UNKNOWN
    lemmas: dict[str, str] = field(default_factory=dict)  # counting fact -> verdict
    seconds: float = 0.0  # wall time of the whole run

    @property
    def proved(self) -> bool:
        """The initial world, and every (operation, formula) pair: preserved."""
        return self.initial_ok and all(v.status == PROVED for v in self.verdicts)

    @property
    def holds(self) -> bool:
        """Proved; every operation fires in some world (the proof is not about nothing); its
        link to the twin's method holds; and every counting fact used is proved."""
        return (
            self.proved
            and all(self.enabled.values())
            and all(s == MATCHES for s in self.link.values())
            and all(s == PROVED for s in self.lemmas.values())
        )

    def status(self, operation: str) -> str:
        """An operation's verdict: a counterexample to any formula, else unknown, else proved."""
        got = {v.status for v in self.verdicts if v.operation == operation}
        if not got:
            raise KeyError(operation)
        return next(s for s in (COUNTEREXAMPLE, UNKNOWN, PROVED) if s in got)

    def counterexamples(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.status == COUNTEREXAMPLE]

    def lines(self) -> list[str]:
        """One line per operation, then the lemmas and the initial world."""
        out = []
        for name in dict.fromkeys(v.operation for v in self.verdicts):
            spent = sum(v.seconds for v in self.verdicts if v.operation == name)
            extra = [f"link {self.link[name]}"] if name in self.link else []
            if not self.enabled.get(name, True):
                extra.append("never enabled")
            for v in self.verdicts:
                if v.operation == name and v.status != PROVED:
                    shown = ", ".join(f"{k}={x}" for k, x in v.values.items())
                    extra.append(f"{v.formula}: {v.status}" + (f" ({shown})" if shown else ""))
            out.append(f"{name:24} {self.status(name):15} {spent:6.2f}s  " + "; ".join(extra))
        bad = [n for n, s in self.lemmas.items() if s != PROVED]
        out.append(f"lemmas: {len(self.lemmas) - len(bad)}/{len(self.lemmas)} proved {bad or ''}")
        out.append(f"initial world: {'ok' if self.initial_ok else 'VIOLATES'}")
        return [line.rstrip() for line in out]


def initial_holds() -> bool:
    """The initial world with its (all-zero) counts satisfies every formula, at any probe."""
    w, g, x = initial_world(), zero_counts(), Probe.fresh("init")
    answer, _ = solve(60_000, z3.Not(z3.And([f(w, g, x) for f in FORMULAS.values()])))
    return bool(answer == z3.unsat)


SEARCH = Universe(procs=2, values=2, records=2, sockets=2)
LINK_BOUNDS = Bounds(procs=2, threads=1, handles=2, sockets=2, shares=2)
LEMMA_UNIVERSE = Universe(procs=3, values=3, records=3)


def prove_parametric(
    twin: Twin,
    timeout_ms: int = 60_000,
    operations: list[str] | None = None,
    search: Universe = SEARCH,
    link_bounds: Bounds | None = LINK_BOUNDS,
    lemma_universe: Universe | None = LEMMA_UNIVERSE,
) -> ParametricResult:
    """Each operation preserves each formula, for a world of any size (see the module docstring).

    A query that is not proved is followed by a search for a concrete counterexample inside
    ``search``, which also shows each operation enabled somewhere.  ``link_bounds`` are the
    bounds of ``check_link``, ``lemma_universe`` the size ``check_lemmas`` checks the counting
    facts at (with ``prove_sum_facts`` beside it); None skips either."""
    start = time.perf_counter()
    names = operations or list(OPERATIONS)
    result = ParametricResult(twin.name, initial_ok=initial_holds())
    pre, g = fresh_world("pre"), fresh_counts("pre")
    invariant = holds_everywhere(pre, g)
    for name in names:
        step = OPERATIONS[name](twin, pre, g)
        facts = counts_facts(pre, g, STATIC_NEEDS.get(name, ()))
        for formula, f in FORMULAS.items():
            x = Probe.fresh("post")
            begun = time.perf_counter()
            negated = z3.Not(f(step.post, step.counts, x))
            answer, _ = solve(timeout_ms, *invariant, *facts, step.guard, negated)
            status, values = PROVED, dict[str, int]()
            if answer != z3.unsat:
                status, values = search_counterexample(twin, name, formula, search, timeout_ms)
                status = COUNTEREXAMPLE if status == COUNTEREXAMPLE else UNKNOWN
            spent = time.perf_counter() - begun
            result.verdicts.append(Verdict(name, formula, status, spent, values))
        result.enabled[name] = enabled_somewhere(twin, name, search, timeout_ms)
    if link_bounds is not None:
        result.link = check_link(twin, link_bounds, names, timeout_ms)
    if lemma_universe is not None:
        result.lemmas = check_lemmas(lemma_universe, timeout_ms)
        result.lemmas.update({f"sum {n}": s for n, s in prove_sum_facts(timeout_ms).items()})
    result.seconds = time.perf_counter() - start
    return result


def enabled_somewhere(twin: Twin, operation: str, u: Universe, timeout_ms: int = 60_000) -> bool:
    """Some world inside ``u`` satisfying every formula enables ``operation`` (so its proof is
    about some transition, not about none)."""
    pre, shape = finite_world(u, "en")
    g = true_counts(pre, u)
    step = OPERATIONS[operation](twin, pre, g)
    before = [f(pre, g, y) for f in FORMULAS.values() for y in probes(u)]
    answer, _ = solve(timeout_ms, shape, step.guard, *inside(u, step), *before)
    return bool(answer == z3.sat)


def search_counterexample(
    twin: Twin, operation: str, formula: str, u: Universe, timeout_ms: int = 60_000
) -> tuple[str, dict[str, int]]:
    """A concrete world inside ``u`` that satisfies every formula (with its true counts, explicit
    sums), and an instance of ``operation`` inside ``u``, whose successor violates ``formula`` by
    its true counts: no quantifier and no lemma, so a model is a real violation.  ``proved``
    means none exists inside ``u`` (a bounded statement only)."""
    pre, shape = finite_world(u, "cex")
    g = true_counts(pre, u)
    step = OPERATIONS[operation](twin, pre, g)
    after = true_counts(step.post, u)
    x = Probe.fresh("cex")
    before = [f(pre, g, y) for f in FORMULAS.values() for y in probes(u)]
    violated = z3.Not(FORMULAS[formula](step.post, after, x))
    answer, solver = solve(timeout_ms, shape, step.guard, *inside(u, step), *before, violated)
    if answer != z3.sat:
        return status_of(answer), {}
    return COUNTEREXAMPLE, witness(solver.model(), pre, g, replace(step, counts=after), x)


def witness(model: z3.ModelRef, pre: World, g: Counts, step: Step, x: Probe) -> dict[str, int]:
    """The operation's arguments, the probe, and at the probed socket the count and its two
    parts before and after."""

    def ev(term: Any) -> int:
        got = model.eval(term, model_completion=True)
        return int(got.as_long()) if z3.is_int_value(got) else int(z3.is_true(got))

    out = {name: ev(term) for name, term in step.params.items()}
    out.update({f"probe_{n}": ev(getattr(x, n)) for n in ("p", "v", "r", "k")})
    for tag, w, c in (("before", pre, g), ("after", step.post, step.counts)):
        out[f"refs_{tag}"] = ev(w.refs(x.k))
        out[f"handles_{tag}"] = ev(c.total(x.k))
        out[f"shares_{tag}"] = ev(total_of([s(x.k) for s in c.shared]))
    return out


# --- the link to the twin's own methods ----------------------------------------------------------
def embed(s: SymState, b: Bounds) -> World:
    """A bounded twin state as a world: twin cell (i, j), handle value ``value_of(j)``, is cell
    (i, j); record cell n of provider c is record n; nothing outside the bounds."""

    def grid(g: list[list[Any]], default: Any) -> F2:
        def read(p: Any, v: Any) -> Any:
            out = default
            for i in range(b.procs):
                for j in range(b.handles):
                    out = z3.If(z3.And(p == i, v == j), g[i][j], out)
            return out

        return read

    def line(xs: list[Any], default: Any) -> F1:
        return lambda i: pick(xs, i, default)

    no, false = z3.IntVal(0), z3.BoolVal(False)
    recs = tuple(
        Records(line(sh.present, false), line(sh.sock, no), line(sh.holds, false), line(sh.pid, no))
        for sh in s.shares
    )
    return World(
        s.nprocs,
        s.nsocks,
        grid(s.hp, false),
        grid(s.hk, no),
        grid(s.ho, no),
        line(s.refs, no),
        recs,
    )


def same_world(a: World, b: World, u: Universe) -> Any:
    """Equal on every cell, reference count and record inside ``u``, and on the counters
    (kind and obj only where present, fields of a record only where present)."""
    eqs = [a.nprocs == b.nprocs, a.nsocks == b.nsocks]
    for i, j in u.cells():
        present = a.hp(i, j)
        eqs += [present == b.hp(i, j), z3.Implies(present, a.ho(i, j) == b.ho(i, j))]
        eqs.append(z3.Implies(present, a.hk(i, j) == b.hk(i, j)))
    eqs += [a.refs(k) == b.refs(k) for k in range(u.sockets)]
    for x, y in zip(a.recs, b.recs, strict=True):
        for n in range(u.records):
            same = z3.And(x.sock(n) == y.sock(n), x.holds(n) == y.holds(n), x.pid(n) == y.pid(n))
            eqs += [x.present(n) == y.present(n), z3.Implies(x.present(n), same)]
    return z3.And(eqs)


# A link case: (the twin's success condition tying its arguments to the step's, the twin's post).
LinkCases = Callable[[Twin, SymState, Step], list[tuple[Any, SymState]]]


def handle_value(v: Any) -> Any:
    """The twin's handle value of table column ``v`` (M1: ``value_of``)."""
    return value_of(0) + (value_of(1) - value_of(0)) * v


def _link_close(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
    p, v = st.params["p"], st.params["v"]
    return [(z3.BoolVal(True), t.close_handle(s, p, handle_value(v)))]


def _link_rundown(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
    p = st.params["p"]
    return [(z3.And(p >= 0, p < t.b.procs), t.rundown(s, p))]


def _link_add(kind: int | None) -> LinkCases:
    def cases(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
        p, v = st.params["p"], st.params["v"]
        if kind is None:
            obj, k, cat = st.params["k"], st.params["kind"], z3.Int("link_cat")
        else:
            obj, k, cat = st.params["target"], z3.IntVal(kind), z3.IntVal(0)
        ok, post, value = t.add_handle(s, p, obj, cat, k)
        return [(z3.And(ok, value == handle_value(v)), post)]

    return cases


def _link_modify(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
    ok, post = t.modify_ifs_handle(s, st.params["p"], handle_value(st.params["v"]))
    return [(ok, post)]


def _link_new_socket(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
    room, post, _ = t.new_socket(s, z3.Int("link_cat"))
    return [(room, post)]


def _link_spawn(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
    args = {n: z3.Int(f"link_{n}") for n in ("threads", "reuse", "pid")}
    out = t.Spawn(s, args)
    return [(out.enabled, out.post)]


def _link_ifs_duplicate(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
    ps, vs, pt, vt = (st.params[n] for n in ("ps", "vs", "pt", "vt"))
    pid = z3.Int("link_pid")
    d = t.descriptor(s, ps, handle_value(vs))
    _, target = t.live_slot(s, pid)
    out = t.duplicate(s, ps, IFS_CATALOG, d, pid)
    cond = z3.And(d.found, out.enabled, out.error == 0, pt == target, out.value == handle_value(vt))
    return [(cond, out.post)]


def _link_nonifs_duplicate(c: int) -> LinkCases:
    def cases(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
        ps, vs, r, q = (st.params[n] for n in ("ps", "vs", "r", "q"))
        d = t.descriptor(s, ps, handle_value(vs))
        out = t.duplicate(s, ps, NONIFS_CATALOGS[c], d, q)
        present = s.shares[c].present
        ok = z3.And(d.found, out.enabled, out.error == 0)
        return [
            (z3.And(ok, r == n, z3.Not(present[n]), *present[:n]), out.post)
            for n in range(t.b.shares)
        ]

    return cases


def _link_claim(c: int) -> LinkCases:
    def cases(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
        r, p, v = (st.params[n] for n in ("r", "p", "v"))
        sh, mypid = s.shares[c], pick(s.pid, p, z3.IntVal(-1))
        out = []
        for n in range(t.b.shares):
            o = t.claim_found(s, s, p, NONIFS_CATALOGS[c], n, mypid, sh.sock[n])
            cond = z3.And(r == n, sh.present[n], o.error == 0, o.value == handle_value(v))
            out.append((cond, o.post))
        return out

    return cases


def _link_consume(c: int) -> LinkCases:
    def cases(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
        r = st.params["r"]
        return [
            (z3.And(r == n, s.shares[c].present[n]), t.consume(s, NONIFS_CATALOGS[c], n))
            for n in range(t.b.shares)
        ]

    return cases


def _link_purge(c: int) -> LinkCases:
    def cases(t: Twin, s: SymState, st: Step) -> list[tuple[Any, SymState]]:
        slot = z3.Int("link_slot")
        pid = pick(s.pid, slot, z3.IntVal(-1))
        still, _ = t.live_slot(s, pid)
        cond = z3.And(slot >= 0, slot < t.b.procs, st.params["q"] == pid, z3.Not(still))
        return [(cond, t.on_process_exit(s, NONIFS_CATALOGS[c], slot))]

    return cases


LINKS: dict[str, LinkCases] = {
    "new_socket": _link_new_socket,
    "add_handle(socket)": _link_add(None),
    "add_handle(process)": _link_add(PROCESS),
    "modify_ifs_handle": _link_modify,
    "close_handle": _link_close,
    "rundown": _link_rundown,
    "spawn": _link_spawn,
    "duplicate(IFS)": _link_ifs_duplicate,
    **{f"duplicate({cat})": _link_nonifs_duplicate(c) for c, cat in enumerate(NONIFS_CATALOGS)},
    **{f"claim({cat})": _link_claim(c) for c, cat in enumerate(NONIFS_CATALOGS)},
    **{f"consume({cat})": _link_consume(c) for c, cat in enumerate(NONIFS_CATALOGS)},
    **{f"on_process_exit({cat})": _link_purge(c) for c, cat in enumerate(NONIFS_CATALOGS)},
}


def check_link(
    twin: Twin, b: Bounds, operations: list[str] | None = None, timeout_ms: int = 60_000
) -> dict[str, str]:
    """Per operation: over every twin state within ``b`` (slots and sockets inside the bounds),
    whenever the twin's method succeeds with arguments the operation takes too (and the
    operation's guard holds), do both give the same tables, counts, records and counters?
    MATCHES (unsat of a difference), DIFFERS, VACUOUS (the two never run together: the check
    says nothing) or UNKNOWN."""
    twin_b = type(twin)(b)  # the same twin class at the link's bounds
    u = Universe(b.procs, b.handles, b.shares, b.sockets)
    s = fresh(b, "link")
    w = embed(s, b)
    shape = z3.And(s.nprocs >= 0, s.nprocs <= b.procs, s.nsocks >= 0, s.nsocks <= b.sockets)
    out = {}
    for name in operations or list(OPERATIONS):
        step = OPERATIONS[name](twin_b, w, true_counts(w, u))
        status, together = MATCHES, False
        for cond, post in LINKS[name](twin_b, s, step):
            both = (shape, step.guard, *inside(u, step), cond)
            together = together or solve(timeout_ms, *both)[0] == z3.sat
            answer, _ = solve(timeout_ms, *both, z3.Not(same_world(embed(post, b), step.post, u)))
            if answer == z3.sat:
                status = DIFFERS
                break
            if answer != z3.unsat:
                status = UNKNOWN
        out[name] = status if status != MATCHES or together else VACUOUS
    return out


# --- checking the lemmas at explicit finite sizes ------------------------------------------------
def same_counts(a: Counts, b: Counts, p: Any, q: Any, k: Any) -> Any:
    eqs = [a.row(p, k) == b.row(p, k), a.total(k) == b.total(k)]
    for c in PROVIDERS:
        eqs += [a.shared[c](k) == b.shared[c](k), a.shared_of[c](q, k) == b.shared_of[c](q, k)]
    return z3.And(eqs)


def changes(u: Universe) -> dict[str, list[tuple[Any, Any]]]:
    """Per lemma, arbitrary changes of its kind (free fields), each with the condition that puts
    what it writes inside ``u``."""
    p, v, r = z3.Ints("ch_p ch_v ch_r")
    kind, obj, sock, pid = z3.Ints("ch_kind ch_obj ch_sock ch_pid")
    present, holds = z3.Bools("ch_present ch_holds")
    cell = z3.And(p >= 0, p < u.procs, v >= 0, v < u.values)
    rec = z3.And(r >= 0, r < u.records)
    return {
        "store-cell": [(CellChange(p, v, present, kind, obj), cell)],
        "clear-row": [(RowClear(p), z3.BoolVal(True))],
        "store-record": [(RecordChange(c, r, present, sock, holds, pid), rec) for c in PROVIDERS],
        "purge": [(Purge(c, pid), z3.BoolVal(True)) for c in PROVIDERS],
    }


def check_lemma(lemma: Lemma, kind: str, u: Universe, timeout_ms: int = 60_000) -> str:
    """Prove ``lemma`` (a transfer lemma for changes of kind ``kind``, a key of ``LEMMAS``) over
    the universe ``u``: for any world and any such change, the counts it computes from the true
    counts before are the true counts after, at any process, pid and socket."""
    pre = fresh_world("lem")
    p, q, k = z3.Ints("lem_p lem_q lem_k")
    status = PROVED
    for ch, where in changes(u)[kind]:
        post, claimed = lemma(pre, true_counts(pre, u), ch)
        differs = z3.Not(same_counts(true_counts(post, u), claimed, p, q, k))
        answer, _ = solve(timeout_ms, where, differs)
        if answer == z3.sat:
            return COUNTEREXAMPLE
        if answer != z3.unsat:
            status = UNKNOWN
    return status


def check_static_lemmas(u: Universe, timeout_ms: int = 60_000) -> dict[str, str]:
    """The witness facts of any world over ``u``, at any process and socket."""
    w = fresh_world("lem")
    p, k = z3.Ints("lem_p lem_k")
    facts = static_lemmas(w, true_counts(w, u), Exists(u), p, k)
    return {name: status_of(solve(timeout_ms, z3.Not(fact))[0]) for name, fact in facts.items()}


def check_empty(u: Universe, timeout_ms: int = 60_000) -> str:
    """The initial world's counts (``zero_counts``) are its true counts."""
    p, q, k = z3.Ints("lem_p lem_q lem_k")
    differs = z3.Not(same_counts(true_counts(initial_world(), u), zero_counts(), p, q, k))
    return status_of(solve(timeout_ms, differs)[0])


def check_lemmas(u: Universe, timeout_ms: int = 60_000) -> dict[str, str]:
    """Every counting fact the proof uses, over the finite universe ``u``: name -> verdict."""
    out = {name: check_lemma(lemma, name, u, timeout_ms) for name, lemma in LEMMAS.items()}
    out["empty"] = check_empty(u, timeout_ms)
    return {**out, **check_static_lemmas(u, timeout_ms)}


# --- the generic sum facts, for every length, by induction ---------------------------------------
@dataclass(frozen=True)
class SumFact:
    """A claim P(x) about sums of length x under a hypothesis on the terms (at index ``i``);
    ``base`` and ``step`` are what is known of the sums at 0 and from n to n + 1."""

    hypothesis: Any
    claim: Callable[[Any], Any]
    base: list[Any]
    step: list[Any]


SEQ = tuple(z3.Array(f"seq_{x}", INT, INT) for x in "abc")
SUMS = tuple(z3.Function(f"S{x}", INT, INT) for x in "abc")
IND_N, IND_I, IND_I0, IND_M = z3.Ints("ind_n ind_i ind_i0 ind_m")


def sum_zero() -> list[Any]:
    return [f(0) == 0 for f in SUMS]


def sum_succ(x: Any) -> list[Any]:
    return [f(x + 1) == f(x) + a[x] for f, a in zip(SUMS, SEQ, strict=True)]


def by_induction(fact: SumFact, timeout_ms: int = 60_000) -> str:
    """P(0), and P(n) implies P(n + 1) for n >= 0, both under the hypothesis for every index."""
    hyp, n = z3.ForAll([IND_I], fact.hypothesis), IND_N
    base, _ = solve(timeout_ms, hyp, *fact.base, z3.Not(fact.claim(z3.IntVal(0))))
    step, _ = solve(timeout_ms, hyp, n >= 0, *fact.step, fact.claim(n), z3.Not(fact.claim(n + 1)))
    if base == z3.unsat and step == z3.unsat:
        return PROVED
    return COUNTEREXAMPLE if z3.sat in (base, step) else UNKNOWN


def sum_facts() -> dict[str, SumFact]:
    (a, b, c), (sa, sb, sc) = SEQ, SUMS
    i, i0, m, n = IND_I, IND_I0, IND_M, IND_N

    def within(x: Any, bound: Any) -> Any:
        return z3.And(x >= 0, x < bound)

    return {
        # b differs from a at i0 at most: the sums differ by that term's change, if it is counted.
        "point-change": SumFact(
            z3.Implies(i != i0, b[i] == a[i]),
            lambda x: sb(x) == sa(x) + z3.If(within(i0, x), b[i0] - a[i0], 0),
            sum_zero(),
            sum_succ(n),
        ),
        # every term 0: the sum is 0.
        "all-zero": SumFact(a[i] == 0, lambda x: sa(x) == 0, sum_zero(), sum_succ(n)),
        # a = b + c term by term: so are the sums.
        "linearity": SumFact(
            a[i] == b[i] + c[i], lambda x: sa(x) == sb(x) + sc(x), sum_zero(), sum_succ(n)
        ),
        # a sum that is not 0 has a term that is not 0.
        "witness": SumFact(
            z3.BoolVal(True),
            lambda x: z3.Implies(sa(x) != 0, z3.Exists([i], z3.And(within(i, x), a[i] != 0))),
            sum_zero(),
            sum_succ(n),
        ),
        # terms from m on are 0: S(m + x) = S(m) for x >= 0 (more zeros change no count).
        "padding": SumFact(
            z3.Implies(i >= m, a[i] == 0),
            lambda x: sa(m + x) == sa(m),
            [],
            [m >= 0, *sum_succ(m + n)],
        ),
    }


def prove_sum_facts(timeout_ms: int = 60_000) -> dict[str, str]:
    """The generic facts about finite sums the lemmas are instances of, for every length."""
    return {name: by_induction(fact, timeout_ms) for name, fact in sum_facts().items()}
