"""``wspshare handoff``: run the seed's handoff once, in the seed's order, and print each step."""

from __future__ import annotations

import argparse

from wspshare.commands.options import add_scenario_options, scenario_config
from wspshare.models.scenario import HandoffModel, ScenarioConfig
from wspshare.models.scenario.schedule import seed_order_run
from wspshare.render import descriptor_map, reference_counts, role_name, text_table

HEADERS = ("STEP", "PROCESS", "THREAD", "CALL", "RESULT", "DESCRIPTORS", "REFS")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("handoff", help="run the seed's handoff once and print its table")
    add_scenario_options(p)
    p.set_defaults(run=run)


def handoff_table(config: ScenarioConfig) -> tuple[str, bool]:
    """The table of one seed-order run, and whether every target got its descriptor."""
    model = HandoffModel(config)
    events = seed_order_run(model)
    state = model.init_states()[0]
    rows = []
    for ev in events:
        step = str(ev.effect.seed_step) if ev.effect.seed_step else "-"
        rows.append(
            (
                step,
                role_name(ev.state, ev.effect.slot),
                f"T{ev.effect.thread}" if ev.effect.thread >= 0 else "-",
                ev.effect.call,
                ev.effect.result,
                descriptor_map(ev.state),
                reference_counts(ev.state),
            )
        )
        state = ev.state
    claimed = all(getattr(r, "claimed", True) for r in state.regs)
    return text_table(HEADERS, rows), claimed and model.is_final(state)


def run(args: argparse.Namespace) -> int:
    table, ok = handoff_table(scenario_config(args))
    print(table)
    print("handoff completed" if ok else "handoff did not complete")
    return 0
