"""The visited-state store of a search: per state its 64-bit fingerprint and a parent link.

A dict from fingerprint to ``(parent fingerprint, position)`` costs about 130 bytes per state in
CPython (the table entry, the key's int object and the value's tuple); this store keeps the same
information in flat ``array`` columns, about 23 to 31 bytes per state:

* ``keys`` (``'q'``, 8 bytes): the fingerprints, in insertion order; a state's *index* is its
  place here, fixed once it is stored;
* ``parents`` (``'i'``, 4 bytes): the parent's index, -1 for an initial state;
* ``positions`` (``'H'``, 2 bytes): the action position (or the initial-state position), widened
  to ``'q'`` the first time a position does not fit;
* ``slots`` (``'i'``, 4 bytes a slot, 2 to 4 slots a state): an open-addressing hash table of
  indices, -1 for an empty slot, doubled when more than half full (so growth is amortised O(1)
  and a probe rarely goes past its first slot).  The first slot is the key's low bits (the
  fingerprints are hashes); after a collision the probe goes on as CPython's dict does
  (``i = 5 * i + 1 + perturb``, ``perturb`` the unsigned key shifted right by 5 each step), so
  every bit of the key counts and keys that share their low bits still spread.

Because emptiness is marked in ``slots`` (an index), not by a reserved fingerprint, every signed
64-bit value is a valid key, 0, -1 and -2 included; a key outside that range is refused with
``OverflowError``.  Nothing is ever removed.  The index columns switch to 8-byte items if a
store ever outgrows 2**31 slots.

The explorer works with indices (``add`` returns the new state's index, which becomes its
children's parent, and ``chain`` walks indices without hashing); the rest of the checker reads
the store like the dict it replaces (``len``, ``in``, ``store[key]``, ``items()``).
``sys.getsizeof(store)`` is its real size, columns and table included (the arrays' allocated
buffers, over-allocation counted), which ``Exploration.bytes_per_state`` divides by the count.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable, Iterator

_U64 = (1 << 64) - 1
_PERTURB_SHIFT = 5
_MIN_SLOTS = 8
_WIDE_INDEX = 1 << 31  # slot counts above this need 8-byte indices


def _index_code(slots: int) -> str:
    """The array typecode for indices into a store of ``slots`` slots (it holds fewer states)."""
    return "i" if slots <= _WIDE_INDEX else "q"


class StateStore:
    """Fingerprint -> (parent fingerprint or ``None``, position), insertion-ordered, compact."""

    __slots__ = ("_keys", "_mask", "_parents", "_positions", "_slots")

    def __init__(self) -> None:
        self._keys = array("q")
        self._parents = array("i")
        self._positions = array("H")
        self._slots = array("i", [-1]) * _MIN_SLOTS
        self._mask = _MIN_SLOTS - 1

    # -- the explorer's interface: indices --------------------------------------------------

    def _probe(self, key: int) -> tuple[int, int]:
        """The slot where ``key`` is, or where it would go, and its index there (-1: not
        stored).  The first probe is the key's low bits, negative keys included."""
        keys, slots, mask = self._keys, self._slots, self._mask
        i = key & mask
        j = slots[i]
        if j < 0 or keys[j] == key:
            return i, j
        perturb = key & _U64
        while True:
            perturb >>= _PERTURB_SHIFT
            i = (i * 5 + perturb + 1) & mask
            j = slots[i]
            if j < 0 or keys[j] == key:
                return i, j

    def index(self, key: int) -> int:
        """The index of ``key``, or -1 when it is not stored."""
        return self._probe(key)[1]

    def add(self, key: int, parent: int, position: int) -> int:
        """Store ``key`` reached from the state of index ``parent`` (-1: an initial state) by
        the action at ``position``, and return its index; -1, and nothing changes, when ``key``
        is stored already."""
        i, j = self._probe(key)
        if j >= 0:
            return -1
        keys, slots, mask = self._keys, self._slots, self._mask
        n = len(keys)
        if not -1 <= parent < n:
            raise IndexError(f"parent index {parent} of a store of {n} states")
        try:
            keys.append(key)
        except OverflowError:  # raised before anything changed
            raise OverflowError(f"a fingerprint must be a signed 64-bit int, not {key}") from None
        try:
            self._positions.append(position)
        except OverflowError:
            self._widen_positions(position)
        self._parents.append(parent)
        slots[i] = n
        if 2 * (n + 1) > mask + 1:  # more than half the slots taken: double
            self._grow()
        return n

    def key(self, index: int) -> int:
        """The fingerprint stored at ``index``."""
        return self._keys[index]

    def chain(self, key: int) -> tuple[int, list[int]]:
        """The initial-state position and the action positions that lead to ``key``."""
        j = self.index(key)
        if j < 0:
            raise KeyError(key)
        parents, positions = self._parents, self._positions
        moves: list[int] = []
        parent = parents[j]
        while parent >= 0:
            moves.append(positions[j])
            j = parent
            parent = parents[j]
        moves.reverse()
        return positions[j], moves

    # -- the dict's interface ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and self.index(key) >= 0

    def __getitem__(self, key: int) -> tuple[int | None, int]:
        j = self.index(key)
        if j < 0:
            raise KeyError(key)
        return self._entry(j)

    def get(self, key: int) -> tuple[int | None, int] | None:
        j = self.index(key)
        return None if j < 0 else self._entry(j)

    def _entry(self, j: int) -> tuple[int | None, int]:
        parent = self._parents[j]
        return (None if parent < 0 else self._keys[parent]), self._positions[j]

    def __iter__(self) -> Iterator[int]:
        return iter(self._keys)

    def keys(self) -> Iterator[int]:
        return iter(self._keys)

    def items(self) -> Iterator[tuple[int, tuple[int | None, int]]]:
        """``(key, (parent key or None, position))`` in insertion order, like the dict's."""
        keys = self._keys
        for key, parent, position in zip(keys, self._parents, self._positions, strict=True):
            yield key, (None if parent < 0 else keys[parent], position)

    def initial(self) -> dict[int, int]:
        """The initial states stored: fingerprint -> position in ``model.init_states()``."""
        return {
            key: position
            for key, parent, position in zip(
                self._keys, self._parents, self._positions, strict=True
            )
            if parent < 0
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StateStore):
            return NotImplemented
        return (
            self._keys == other._keys
            and self._parents == other._parents
            and list(self._positions) == list(other._positions)
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"<StateStore of {len(self):,} states, {sys.getsizeof(self):,} bytes>"

    def __sizeof__(self) -> int:
        """The object and its four arrays, each with its allocated buffer."""
        return (
            object.__sizeof__(self)
            + self._keys.__sizeof__()
            + self._parents.__sizeof__()
            + self._positions.__sizeof__()
            + self._slots.__sizeof__()
        )

    def __getstate__(self) -> tuple[array[int], array[int], array[int], array[int], int]:
        return self._keys, self._parents, self._positions, self._slots, self._mask

    def __setstate__(
        self, state: tuple[array[int], array[int], array[int], array[int], int]
    ) -> None:
        self._keys, self._parents, self._positions, self._slots, self._mask = state

    @classmethod
    def of(cls, entries: Iterable[tuple[int, tuple[int | None, int]]]) -> StateStore:
        """A store of ``entries`` given as the dict's items, each parent before its children."""
        store = cls()
        for key, (parent, position) in entries:
            if parent is None:
                at = -1
            else:
                at = store.index(parent)
                if at < 0:
                    raise KeyError(f"parent {parent} of {key} is not stored before it")
            if store.add(key, at, position) < 0:
                raise ValueError(f"{key} is given twice")
        return store

    # -- growth -------------------------------------------------------------------------------

    def _widen_positions(self, position: int) -> None:
        wide = array("q", self._positions)
        wide.append(position)
        self._positions = wide

    def _grow(self) -> None:
        """Double the table and re-place every index, probing as ``index`` does."""
        size = 2 * (self._mask + 1)
        code = _index_code(size)
        if code != self._parents.typecode:
            self._parents = array(code, self._parents)
        slots = array(code, [-1]) * size
        mask = size - 1
        for j, key in enumerate(self._keys):
            i = key & mask
            perturb = key & _U64
            while slots[i] >= 0:
                perturb >>= _PERTURB_SHIFT
                i = (i * 5 + perturb + 1) & mask
            slots[i] = j
        self._slots, self._mask = slots, mask
