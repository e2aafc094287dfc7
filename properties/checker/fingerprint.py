"""Fingerprints: the 64-bit integers the checkers store in place of states.

Two choices, measured on a nested NamedTuple state of about thirty ints, enums and strs:
``fast_fingerprint`` (the built-in ``hash``, about 0.6 us) and ``stable_fingerprint`` (BLAKE2b of
``repr``, about 5.6 us; pickling first is slower still).  The checkers default to the fast one
because fingerprinting runs once per transition.  Its limits, which callers must know:

* ``hash`` of ``str`` (and of ``Enum`` members, which hash their name) is salted per process, so a
  fast fingerprint is only meaningful inside the run that computed it; paths are rebuilt by replay
  in that same run, never from fingerprints saved elsewhere.
* ``hash(-1) == hash(-2)`` in CPython, so two states that differ only by -1 against -2 in one field
  collide and one would go unexplored.  Models should not encode meaning in that distinction (use an
  enum or ``None`` for sentinels), or the caller passes ``fingerprint=stable_fingerprint``.

``stable_fingerprint`` is the same in every process and is what graph exports use by default.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

Fingerprint = Callable[[object], int]


def fast_fingerprint(state: object) -> int:
    """The built-in hash: fast, 64-bit, stable within one process only."""
    return hash(state)


def stable_fingerprint(state: object) -> int:
    """A 64-bit BLAKE2b digest of ``repr(state)``: stable across processes, ten times slower."""
    digest = hashlib.blake2b(repr(state).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
