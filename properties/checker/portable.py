"""A fingerprint that is the same in every process: for searches split over processes or saved.

``hash`` is salted per process for ``str`` (and so for ``Enum`` members, which hash their name),
and in this Python ``hash(None)`` is the object's address; so two processes, or a run and the run
that resumes it, disagree on the fast fingerprint of the same state.  ``PortableFingerprint``
rebuilds the hash from the leaves up with unsalted rules (an ``int`` is itself, ``None`` a
constant, a ``str`` its BLAKE2b digest, an ``Enum`` member its class name and value) and lets
CPython's tuple hash, which is not salted, combine them.  It stays within twice the cost of
``hash`` by remembering the hash of every record it has seen (states share most of their records
with their parent), in a table it empties when full.

Equal values get equal fingerprints however they were built: a ``bool`` or an ``IntEnum`` hashes
as the ``int`` it equals, and a record as the tuple of its fields.  Values of other types (floats,
sets, arbitrary objects) are refused, since no unsalted rule is known for them.  The limit of the
fast fingerprint remains: -1 and -2 give the same hash, so a model should not tell them apart.
"""

from __future__ import annotations

import hashlib
from enum import Enum

_NONE = 0x5F3759DF  # any constant will do; this one is easy to recognise in a debugger
_MEMO_LIMIT = 1 << 18


class PortableFingerprint:
    """Call it on a state: a 64-bit int, identical in every process of the same Python version."""

    name = "portable"

    def __init__(self, memo_limit: int = _MEMO_LIMIT) -> None:
        self._memo: dict[object, int] = {}
        self._limit = memo_limit

    def __call__(self, value: object) -> int:
        return self._hash(value)

    def _hash(self, value: object) -> int:
        if type(value) is int:
            return value
        memo = self._memo
        known = memo.get(value)
        if known is not None and type(value) is not bool:
            return known
        if value is None:
            return _NONE
        if isinstance(value, int):  # bool, IntEnum, IntFlag: equal to, so hashed as, an int
            return int(value)
        if isinstance(value, tuple):
            result = hash(tuple([self._hash(item) for item in value]))
        elif isinstance(value, str):
            digest = hashlib.blake2b(value.encode(), digest_size=8).digest()
            result = int.from_bytes(digest, "big", signed=True)
        elif isinstance(value, Enum):
            result = hash((self._hash(type(value).__qualname__), self._hash(value.value)))
        else:
            raise TypeError(
                f"no process-independent fingerprint for a {type(value).__name__}: states must be "
                "made of tuples (records), ints, bools, strs, enums and None"
            )
        if len(memo) >= self._limit:
            memo.clear()
        memo[value] = result
        return result

    def __reduce__(self) -> tuple[type[PortableFingerprint], tuple[int]]:
        return (PortableFingerprint, (self._limit,))  # the memo stays behind
