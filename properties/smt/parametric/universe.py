"""The size of an explicit finite world (``Universe``), where the lemmas are checked by explicit
sums and counterexamples are searched for.  A module of its own so that ``counts`` (whose
existentials become disjunctions over one) does not depend on the finite worlds."""

from __future__ import annotations

from dataclasses import dataclass


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
