"""One simulated handoff: the engine over the handoff model, with runtime verification.

After every action that changed the world or a program's registers, the properties shared with
the model checker (``properties.handoff.violations``) are checked, and the run stops at the
first violation, naming the invariant, the action and the state.  ``simulate`` keeps the whole
story (trace records, events); ``run_once`` keeps only the small result a sweep needs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache, partial

from wspshare.models.scenario import Action, Effect, HandoffModel, HandoffState, Step
from wspshare.models.scenario.schedule import Event
from wspshare.models.variants import CORRECT, variant_named
from wspshare.properties.handoff import violations
from wspshare.sim.config import SimConfig
from wspshare.sim.engine import Engine
from wspshare.sim.handoff import HandoffAdapter, HandoffMemo, plans
from wspshare.sim.memo import Memo
from wspshare.sim.outcome import ERROR_NAMES, RunResult, classify
from wspshare.sim.trace import MessageLedger, Record, event_record, fmt_time


@dataclass(frozen=True)
class Violation:
    name: str  # the invariant, as the checker names it
    sentence: str  # what is wrong where
    n: int  # index of the action after which it was seen
    action: str
    time: float
    state: HandoffState


@dataclass
class SimRun:
    """Everything one run produced."""

    config: SimConfig
    seed: int
    result: RunResult
    events: list[Event] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    violation: Violation | None = None
    unfired: list[str] = field(default_factory=list)  # planned faults that never applied
    final: HandoffState | None = None

    def trace(self) -> list[Record]:
        """The JSON Lines records: header, one per action, end."""
        header: Record = {"event": "run", "seed": self.seed, "config": self.config.to_json()}
        r = self.result
        end: Record = {
            "event": "end",
            "outcome": r.outcome,
            "detail": r.detail,
            "errors": list(r.errors),
            "actions": r.actions,
            "time": r.time,
            "unfired": self.unfired,
        }
        if self.violation is not None:
            v = self.violation
            end["violation"] = {"name": v.name, "sentence": v.sentence, "n": v.n}
        return [header, *self.records, end]


def model_for(config: SimConfig) -> HandoffModel:
    """The handoff model a simulation of ``config`` drives (shared by all its runs)."""
    return memo_for(config).model  # type: ignore[return-value]


@lru_cache(maxsize=16)
def memo_for(config: SimConfig) -> HandoffMemo:
    """The cached model of ``config``, shared by all its runs in this process."""
    scenario = config.model_config()
    if scenario.variant == CORRECT:
        return Memo(HandoffModel(scenario))
    # A seeded bug (models.variants) runs in the simulator exactly as the checker sees it.
    return Memo(variant_named(scenario.variant).model(scenario))


def simulate(config: SimConfig, seed: int, record: bool = True) -> SimRun:
    """Run the handoff of ``config`` once with ``random.Random(seed)``."""
    memo = memo_for(config)
    model = model_for(config)
    check = partial(violations, model)
    adapter = HandoffAdapter(memo, config.timing, config.faults)
    ledger = MessageLedger(config.scenario.targets)
    run = SimRun(config, seed, RunResult(seed, "", (), 0, 0.0, ""))
    errors: list[str] = []
    counter = [0]

    def observe(
        time: float, before: HandoffState, action: Action, effect: Effect, after: HandoffState
    ) -> bool:
        n = counter[0]
        counter[0] += 1
        if record:
            run.events.append(Event(action, effect, after))
            ipc = ledger.follow(before, action, after)
            run.records.append(event_record(n, time, action, effect, after, ipc))
        if type(action) is Step and effect.result in ERROR_NAMES and effect.result not in errors:
            errors.append(effect.result)
        if (
            after.world is before.world
            and after.regs is before.regs
            and after.stale_use == before.stale_use
        ):
            return False  # only pipes or budgets changed: no property reads them
        found = memo.of(after, "violations", check)
        if found:
            name, sentence = found[0]
            run.violation = Violation(name, sentence, n, str(action), fmt_time(time), after)
            return True
        return False

    engine_plans = plans(adapter, config.faults)
    engine = Engine(
        adapter,
        random.Random(seed),
        observe,
        engine_plans,
        patience=config.timing.receive_timeout,
        horizon=config.timing.horizon,
    )
    out = engine.run()
    run.final = out.state
    run.unfired = [str(engine_plans[i].fault) for i in out.unfired]
    run.unfired += [str(f) for i, f in enumerate(adapter.delays) if i not in adapter.delays_used]
    if run.violation is not None:
        outcome, detail = run.violation.name, run.violation.sentence
    else:
        outcome, detail = classify(model, out.state, out.end)
    run.result = RunResult(seed, outcome, tuple(errors), out.actions, fmt_time(out.time), detail)
    return run


def run_once(config: SimConfig, seed: int) -> RunResult:
    """The outcome of one run: a pure function of ``(config, seed)``, small and picklable."""
    return simulate(config, seed, record=False).result
