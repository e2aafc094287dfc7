"""The seed's handoff scenario: programs for the source and target threads, IPC, and faults."""

from wspshare.models.scenario.actions import (
    Action,
    Arrive,
    Crash,
    Deliver,
    Duplicate,
    Effect,
    Exhaust,
    Lose,
    Reorder,
    ReusePid,
    Step,
    Timeout,
)
from wspshare.models.scenario.config import PROVIDER_NAMES, Faults, ScenarioConfig
from wspshare.models.scenario.messages import Channel, Direction, Kind, Message
from wspshare.models.scenario.model import HandoffModel, Programs
from wspshare.models.scenario.state import (
    DONE,
    HandoffState,
    SourceRegs,
    StrangerRegs,
    TargetRegs,
)

__all__ = [
    "DONE",
    "PROVIDER_NAMES",
    "Action",
    "Arrive",
    "Channel",
    "Crash",
    "Deliver",
    "Direction",
    "Duplicate",
    "Effect",
    "Exhaust",
    "Faults",
    "HandoffModel",
    "HandoffState",
    "Kind",
    "Lose",
    "Message",
    "Programs",
    "Reorder",
    "ReusePid",
    "ScenarioConfig",
    "SourceRegs",
    "Step",
    "StrangerRegs",
    "TargetRegs",
    "Timeout",
]
