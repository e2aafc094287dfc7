"""Which properties each implementation profile claims, and why the others are not claimed.

Every property of ``properties.handoff`` is claimed under ``documented``: it is SPEC.md's "What
must hold".  Under ``wine`` (``models.profiles``) a few are not, because Wine's ws2_32 does not
do what they ask; each entry says what Wine does instead and the conformance case that shows
it.  ``tests/check/test_check_profiles.py`` checks both directions: everything claimed holds in
the wine configurations, and each property left out really fails there.
"""

from __future__ import annotations

from wspshare.models.profiles import PROFILES

NOT_CLAIMED: dict[str, dict[str, str]] = {
    "wine": {
        "single-use": "Wine's WSASocket hands back the handle value stored in the info on "
        "every import, so an info delivered twice is imported twice (doc-single-use)",
        "descriptor-validity": "a process the info was not made for, or a forged info, is "
        "handed the stored value, which names nothing in its own table "
        "(doc-wrong-process-imports)",
        "provider-discipline": "the value handed back unchecked never went through "
        "WPUModifyIFSHandle in the importing process (doc-wrong-process-imports)",
    },
}


def claimed(name: str, profile: str) -> bool:
    """Whether property ``name`` is claimed to hold under implementation ``profile``."""
    return name not in NOT_CLAIMED.get(profile, {})


def claimed_under(name: str) -> tuple[str, ...]:
    """The profiles property ``name`` is claimed under."""
    return tuple(p for p in PROFILES if claimed(name, p))
