"""Service providers: the IFS and non-IFS base providers of SPEC M3 and M4."""

from models.providers.base import PendingClaim, Provider
from models.providers.ifs import IfsProvider
from models.providers.nonifs import NonIfsProvider, NonIfsState, RefTiming, Share

__all__ = [
    "IfsProvider",
    "NonIfsProvider",
    "NonIfsState",
    "PendingClaim",
    "Provider",
    "RefTiming",
    "Share",
]
