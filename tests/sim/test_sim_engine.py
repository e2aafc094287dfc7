"""The engine is generic: a toy model (no Winsock) with one producer, a FIFO queue, a consumer."""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence
from typing import NamedTuple

from wspshare.sim.engine import Engine


class Toy(NamedTuple):
    to_send: int
    wire: int
    inbox: int
    got: int


class Adapter:
    """Producer 'p' sends 3 items; each waits on queue 'q' for delivery; consumer 'c' reads."""

    def __init__(self) -> None:
        self.delays = [6.0, 2.0, 1.0]

    def initial(self) -> Toy:
        return Toy(3, 0, 0, 0)

    def actors(self, state: Toy) -> Sequence[Hashable]:
        return ("p", "c")

    def choices(self, state: Toy, actor: Hashable) -> Sequence[str]:
        if actor == "p" and state.to_send:
            return ["send"]
        if actor == "c" and state.inbox:
            return ["read"]
        return []

    def give_up(self, state: Toy, actor: Hashable) -> str | None:
        return "quit" if actor == "c" and state.got < 3 else None

    def execute(self, s: Toy, action: str) -> tuple[Toy, str]:
        if action == "send":
            return s._replace(to_send=s.to_send - 1, wire=s.wire + 1), action
        if action == "deliver":
            return s._replace(wire=s.wire - 1, inbox=s.inbox + 1), action
        if action == "read":
            return s._replace(inbox=s.inbox - 1, got=s.got + 1), action
        return s._replace(got=99), action

    def duration(self, state: Toy, action: str, rng: random.Random) -> float:
        return 1.0

    def in_flight(self, state: Toy) -> Mapping[Hashable, int]:
        return {"q": state.wire}

    def deliver(self, queue: Hashable) -> str:
        return "deliver"

    def delivery_delay(self, queue: Hashable, effect: str, rng: random.Random) -> float:
        return self.delays.pop(0)

    def finished(self, state: Toy) -> bool:
        return state.got >= 3


def run(patience: float = float("inf")) -> tuple[list[tuple[float, str]], str]:
    log: list[tuple[float, str]] = []

    def observe(t: float, before: Toy, action: str, effect: str, after: Toy) -> bool:
        log.append((t, action))
        return False

    out = Engine(Adapter(), random.Random(0), observe, patience=patience).run()
    return log, out.end


def test_deliveries_keep_fifo_order_even_when_later_items_draw_shorter_delays() -> None:
    log, end = run()
    assert end == "finished"
    deliveries = [t for t, a in log if a == "deliver"]
    # sends at 1, 2, 3 with delays 6, 2, 1: FIFO holds the later ones back to 7
    assert deliveries == [7.0, 7.0, 7.0]
    assert [a for _, a in log].count("read") == 3


def test_an_actor_blocked_longer_than_its_patience_gives_up() -> None:
    log, _ = run(patience=0.5)
    assert (0.5, "quit") in log
