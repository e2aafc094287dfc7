"""The invariant (the reference count) and its strengthening, as formulas of a world and its
counts at a probe, and the quantified assumptions a proof query is built from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import z3
from wspshare.properties.smt.parametric.counts import Counts, Exists, static_lemmas
from wspshare.properties.smt.parametric.terms import total_of
from wspshare.properties.smt.parametric.world import World
from wspshare.properties.smt.state import PROCESS
from z3 import z3util


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
