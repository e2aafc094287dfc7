"""Service providers: the IFS and non-IFS base providers of SPEC M3 and M4."""

from wspshare.models.providers.base import PendingClaim, Provider
from wspshare.models.providers.ifs import IfsProvider
from wspshare.models.providers.nonifs import NonIfsProvider, NonIfsState, RefTiming, Share

__all__ = [
    "IfsProvider",
    "NonIfsProvider",
    "NonIfsState",
    "PendingClaim",
    "Provider",
    "RefTiming",
    "Share",
]
