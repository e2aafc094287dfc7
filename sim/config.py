"""What one simulated handoff is: the scenario, its timing and its fault plan.

A run is a pure function of ``(SimConfig, seed)``; the config is a frozen, picklable value so a
Monte Carlo sweep can ship it to worker processes or to a Dask cluster.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from wspshare.models.scenario import Faults, ScenarioConfig
from wspshare.sim.faults import PlannedFault, budget, check_roles, parse_line
from wspshare.sim.timing import Timing


@dataclass(frozen=True)
class SimConfig:
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    timing: Timing = field(default_factory=Timing)
    faults: tuple[PlannedFault, ...] = ()

    def __post_init__(self) -> None:
        check_roles(self.faults, self.scenario.targets)

    def model_config(self) -> ScenarioConfig:
        """The scenario as the simulator drives it: deliveries are separate actions (so IPC can
        take time), receives may time out, and the fault budget covers the plan."""
        return self.scenario.with_(
            explicit_delivery=True,
            timeouts=self.timing.timeouts,
            faults=budget(self.faults),
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description, enough to rebuild the config (``from_json``)."""
        scenario = asdict(self.scenario)
        for key in ("faults", "explicit_delivery", "timeouts"):
            scenario.pop(key)
        timing = {k: (None if v == math.inf else v) for k, v in asdict(self.timing).items()}
        return {"scenario": scenario, "timing": timing, "faults": [str(f) for f in self.faults]}

    @staticmethod
    def from_json(data: dict[str, Any]) -> SimConfig:
        timing = {k: (math.inf if v is None else v) for k, v in data["timing"].items()}
        # JSON has lists where the configuration has tuples (a layered provider's chain).
        fields: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data["scenario"].items()
        }
        scenario = ScenarioConfig(**fields, faults=Faults())
        return SimConfig(scenario, Timing(**timing), tuple(parse_line(f) for f in data["faults"]))
