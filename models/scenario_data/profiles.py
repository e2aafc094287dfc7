"""Implementation profiles for scenario files: where a real ws2_32 departs from the documentation.

``documented`` is the model as SPEC.md states it.  ``wine`` is Wine's ws2_32 as the conformance
run observed it (``conformance/observed/``); each switch below names the behaviour, the cases
that show it, and why Wine differs.  Issue #12 brings profiles to the SPI model itself; until
it lands, the few behaviours the conformance cases show live here, in this one place, and are
applied by the scenario interpreter around ``Semantics.call``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    # WSASocket with a protocol info it cannot import: the documentation says it fails (R2
    # for a used info, R1/R3 for an info made for another process).  Wine's WSADuplicateSocket
    # duplicates the handle into the target and writes its value into the info; its WSASocket
    # hands that value back as the new descriptor without any check, so a second import, or
    # an import by a process the info was not made for, "succeeds" with that value
    # (doc-single-use, doc-single-use-self, doc-wrong-process-imports).
    import_unchecked: bool = False
    # WSADuplicateSocket for the pid of a process that has exited: the documentation wants a
    # running target (WSAEINVAL).  Wine only needs to open the process, which succeeds while
    # anything (here the parent that created it) still holds a handle to it, so it returns an
    # info (doc-dup-for-exited-process).
    exited_target_accepted: bool = False


PROFILES = {
    "documented": Profile("documented"),
    "wine": Profile("wine", import_unchecked=True, exited_target_accepted=True),
}


def profile_named(name: str) -> Profile:
    return PROFILES[name]
