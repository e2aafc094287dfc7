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

The modules
-----------
``terms`` (sorts, indicators, arrays as functions) and ``solving`` (a query and its verdict) are
the vocabulary.  ``world`` is the unbounded world, ``changes`` its four changes, ``counts`` the
ghost counts with the transfer and witness lemmas, ``formulas`` the invariant and its
strengthening, ``operations`` the operations.  ``universe`` and ``finite`` give the explicit
finite worlds that ``search`` (counterexamples, enabledness), ``link`` (``check_link``) and
``lemma_checks`` (``check_lemmas``) work in; ``sums`` proves the generic sum facts; ``proof`` runs
it all (``prove_parametric``).  The names the tests and the CLI use are re-exported here.
"""

from __future__ import annotations

from wspshare.properties.smt.parametric.changes import Purge
from wspshare.properties.smt.parametric.counts import (
    LEMMAS,
    Counts,
    Exists,
    fresh_counts,
    lemma_clear_row,
    lemma_purge,
    lemma_store_cell,
    static_lemmas,
)
from wspshare.properties.smt.parametric.formulas import FORMULAS
from wspshare.properties.smt.parametric.lemma_checks import check_lemma, check_lemmas
from wspshare.properties.smt.parametric.link import DIFFERS, MATCHES, check_link
from wspshare.properties.smt.parametric.operations import OPERATIONS, STATIC_NEEDS
from wspshare.properties.smt.parametric.proof import (
    LINK_BOUNDS,
    SEARCH,
    ParametricResult,
    Verdict,
    initial_holds,
    prove_parametric,
)
from wspshare.properties.smt.parametric.search import search_counterexample
from wspshare.properties.smt.parametric.solving import COUNTEREXAMPLE, PROVED, UNKNOWN
from wspshare.properties.smt.parametric.sums import (
    IND_I,
    IND_I0,
    IND_N,
    SEQ,
    SUMS,
    SumFact,
    by_induction,
    prove_sum_facts,
    sum_succ,
    sum_zero,
)
from wspshare.properties.smt.parametric.universe import Universe
from wspshare.properties.smt.parametric.world import World, fresh_world

__all__ = [
    "COUNTEREXAMPLE",
    "DIFFERS",
    "FORMULAS",
    "IND_I",
    "IND_I0",
    "IND_N",
    "LEMMAS",
    "LINK_BOUNDS",
    "MATCHES",
    "OPERATIONS",
    "PROVED",
    "SEARCH",
    "SEQ",
    "STATIC_NEEDS",
    "SUMS",
    "UNKNOWN",
    "Counts",
    "Exists",
    "ParametricResult",
    "Purge",
    "SumFact",
    "Universe",
    "Verdict",
    "World",
    "by_induction",
    "check_lemma",
    "check_lemmas",
    "check_link",
    "fresh_counts",
    "fresh_world",
    "initial_holds",
    "lemma_clear_row",
    "lemma_purge",
    "lemma_store_cell",
    "prove_parametric",
    "prove_sum_facts",
    "search_counterexample",
    "static_lemmas",
    "sum_succ",
    "sum_zero",
]
