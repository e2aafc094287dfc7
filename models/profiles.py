"""Implementation profiles: the documentation, and what Wine's ws2_32 really does.

A profile is a choice beside the provider (``Semantics.profile``).  ``documented`` is SPEC.md as
written.  ``wine`` is Wine's ws2_32, as read in its ``dlls/ws2_32/socket.c`` (WSADuplicateSocket,
WSASocketW) and as the conformance runs observed it (``conformance/known-differences.toml``).
Wine's sockets are IFS handles, so its switches act on the IFS provider; a non-IFS provider
behaves as documented in both profiles.  Each switch says what Wine does and why it differs:

* ``import_unchecked``: Wine's WSADuplicateSocket duplicates the handle into the target at once
  and writes the target-side value into the info (with a marker); its WSASocket, seeing the
  marker, returns that value as the new descriptor with no check at all.  So a second import
  of one info succeeds with the same descriptor (R2 not enforced), and a process the info was
  not made for "succeeds" with a value that names nothing of its own (R1/R3 not checked);
  a forged info with the marker yields whatever value it carries.  In the model: an IFS claim
  that the documentation refuses returns ``dwProviderReserved``, changing nothing.
* ``exited_target_accepted``: Wine checks the target pid only by opening the process, which
  succeeds while anything still holds a handle to it; so duplicating for a process that has
  exited but is pinned by a process handle returns an info (observed in the conformance case
  ``doc-dup-for-exited-process``); the handle lands in no live table, so nothing is referenced.
* ``buffer_null_only``: Wine's WSADuplicateSocket reports WSAEFAULT only for a NULL output
  buffer (it writes a whole WSAPROTOCOL_INFO into any other), in the documented order after
  the socket and the pid; the documentation wants room for the structure.
"""

from __future__ import annotations

from dataclasses import dataclass

from wspshare.models.errors import ModelError


@dataclass(frozen=True)
class Profile:
    name: str
    import_unchecked: bool = False
    exited_target_accepted: bool = False
    buffer_null_only: bool = False


DOCUMENTED = Profile("documented")
WINE = Profile("wine", import_unchecked=True, exited_target_accepted=True, buffer_null_only=True)
PROFILES = {p.name: p for p in (DOCUMENTED, WINE)}


def profile_named(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ModelError(
            f"no implementation profile named {name!r}; choose one of: {', '.join(PROFILES)}"
        ) from None
