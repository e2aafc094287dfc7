"""The targets' symmetry worked out on compact states: a representative from part numbers.

Why.  A symmetric search asks for the representative of every successor.  Worked out on real
states (``symmetry.sort_targets``) each new compact state would be decoded, every target's sort
key built from nested records, the state renamed field by field and encoded again: most of a
symmetric search's time.  Yet each piece of that work reads few parts: target ``k``'s sort key
reads the world, the source's registers, target ``k``'s registers and pipe ``k``
(``symmetry.local_key``); the tie-breaking key reads the world alone (``symmetry.world_key``);
and the renamed state is made of renamed parts (the world by the order, the source's registers
and each pipe by the order and the targets' pids, a target's registers by its new index).  So
each is remembered here by the part numbers it reads, and a representative is a few dictionary
lookups and a sort of ``k`` keys.

The keys are the real ones and are sorted the same way (a tie in the local keys brings in the
world keys, then a stable sort), and the renamed parts are those ``symmetry._permute`` makes, so
the representative is exactly ``encode(model.representative(decode(cs)))``: every state count
stays what the model's own symmetric search gives (``tests/check/test_check_compact_symmetry.py``).

Only target renaming is done here.  With helper threads (three or more threads a process) a
representative also sorts each process's helpers, which ``CompactLifting`` leaves to the real
states (``on_parts`` is then false).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wspshare.models.scenario.symmetry import (
    Key,
    local_key,
    pid_renaming,
    rename_chan,
    rename_source,
    rename_world,
    renumber_target,
    world_key,
)

if TYPE_CHECKING:
    from wspshare.models.scenario.compact import Compact, CompactHandoff

Order = tuple[int, ...]  # order[new] = old, as ``symmetry.permute_targets`` takes it
LIMIT = 1 << 18  # entries a table keeps before it starts afresh


class CompactSymmetry:
    """Representatives of ``form``'s compact states under renaming of the targets."""

    def __init__(self, form: CompactHandoff, world_at: int, chans_at: int) -> None:
        model = form.model
        self._values = form.parts.values
        self._number = form.parts.number
        self._targets = model.config.targets
        self._providers = model.semantics.providers
        self._world_at = world_at
        self._chans_at = chans_at
        self._regs_at = form.regs_at
        self.identity: Order = tuple(range(self._targets))
        self.on_parts = form.symmetric and self._targets >= 2 and model.config.threads < 3
        self._key_numbers: dict[Key, int] = {}  # equal keys, equal numbers: ties by ints
        self._pids: dict[int, tuple[int, ...]] = {}
        self._local: dict[tuple[int, int, int, int, int], tuple[Key, int]] = {}
        self._world_keys: dict[tuple[int, int], Key] = {}
        self._worlds: dict[tuple[int, Order], int] = {}
        self._sources: dict[tuple[int, Order, tuple[int, ...]], int] = {}
        self._chans: dict[tuple[int, Order, tuple[int, ...]], int] = {}
        self._renumbered: dict[tuple[int, int], int] = {}
        self._answers: dict[Compact, tuple[Compact, Order]] = {}

    def canonical_with(self, cs: Compact) -> tuple[Compact, Order]:
        """The representative of ``cs`` and the order that gives it (``on_parts`` only)."""
        found = self._answers.get(cs)
        if found is None:
            order, pids = self._order(cs)
            found = (cs if order == self.identity else self._renamed(cs, order, pids), order)
            if len(self._answers) >= LIMIT:
                self._answers.clear()
            self._answers[cs] = found
        return found

    def _targets_pids(self, world: int) -> tuple[int, ...]:
        found = self._pids.get(world)
        if found is None:
            procs = self._values[world].procs
            found = self._pids[world] = tuple(procs[1 + k].pid for k in range(self._targets))
        return found

    def _order(self, cs: Compact) -> tuple[Order, tuple[int, ...]]:
        """``symmetry._sorting`` on part numbers."""
        values, local = self._values, self._local
        world = cs[self._world_at]
        source = cs[self._regs_at]
        pids = self._targets_pids(world)
        keys: list[Key] = []
        numbers: list[int] = []
        for k in range(self._targets):
            regs, chan = cs[self._regs_at + 1 + k], cs[self._chans_at + k]
            asked = (world, source, regs, chan, k)
            found = local.get(asked)
            if found is None:
                key = local_key(
                    values[world].procs[1 + k], values[regs], values[source], values[chan], k, pids
                )
                found = (key, self._key_numbers.setdefault(key, len(self._key_numbers)))
                if len(local) >= LIMIT:
                    local.clear()
                local[asked] = found
            keys.append(found[0])
            numbers.append(found[1])
        if len(set(numbers)) < self._targets:  # a tie: the world's references break it
            keys = [(key, self._world_key(world, k, pids)) for k, key in enumerate(keys)]
        return tuple(sorted(range(self._targets), key=keys.__getitem__)), pids

    def _world_key(self, world: int, k: int, pids: tuple[int, ...]) -> Key:
        found = self._world_keys.get((world, k))
        if found is None:
            found = world_key(self._values[world], k, pids, self._providers)
            self._world_keys[(world, k)] = found
        return found

    def _renamed(self, cs: Compact, order: Order, pids: tuple[int, ...]) -> Compact:
        """``cs`` with target ``order[i]`` renamed to target ``i`` (``symmetry._permute``)."""
        values, number = self._values, self._number
        new = list(cs)
        world = cs[self._world_at]
        found = self._worlds.get((world, order))
        if found is None:
            renamed = rename_world(self._providers, values[world], order, pids)
            found = self._worlds[(world, order)] = number(renamed)
        new[self._world_at] = found
        source = cs[self._regs_at]
        found = self._sources.get((source, order, pids))
        if found is None:
            renamed_source = rename_source(values[source], order, pid_renaming(order, pids))
            found = self._sources[(source, order, pids)] = number(renamed_source)
        new[self._regs_at] = found
        for fresh, old in enumerate(order):
            regs = cs[self._regs_at + 1 + old]
            found = self._renumbered.get((regs, fresh))
            if found is None:
                found = number(renumber_target(values[regs], fresh))
                self._renumbered[(regs, fresh)] = found
            new[self._regs_at + 1 + fresh] = found
            chan = cs[self._chans_at + old]
            found = self._chans.get((chan, order, pids))
            if found is None:
                renamed_chan = rename_chan(values[chan], pid_renaming(order, pids))
                found = self._chans[(chan, order, pids)] = number(renamed_chan)
            new[self._chans_at + fresh] = found
        return tuple(new)
