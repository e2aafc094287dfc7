"""Scenarios as data: a TOML file (or the same frozen dataclasses built in Python) naming the
processes, their threads' programs, the pipes between them, the provider, the implementation
profile and the fault budgets, and an interpreter that turns one into a checkable ``Model``.

``load_scenario`` reads a file, ``parse_scenario`` reads text, ``ScenarioModel`` explores it;
``run_sequential`` runs a case whose steps are in one fixed order and returns what each call
observed (the conformance suite compares that with a real Winsock).
"""

from wspshare.models.scenario_data.loader import ScenarioError, load_scenario, parse_scenario
from wspshare.models.scenario_data.model import ScenarioModel, ScenarioState
from wspshare.models.scenario_data.schema import (
    PipeSpec,
    ProcessSpec,
    Scenario,
    StepSpec,
    ThreadSpec,
)
from wspshare.models.scenario_data.sequential import Observation, run_sequential

__all__ = [
    "Observation",
    "PipeSpec",
    "ProcessSpec",
    "Scenario",
    "ScenarioError",
    "ScenarioModel",
    "ScenarioState",
    "StepSpec",
    "ThreadSpec",
    "load_scenario",
    "parse_scenario",
    "run_sequential",
]
