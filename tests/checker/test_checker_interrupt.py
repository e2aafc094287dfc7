"""Ctrl-C in the middle of an expansion: the search stops between expansions, with its store
whole, and returns the partial result (``safepoints``).

A real SIGINT used to be raised wherever the main thread was; one that came inside the
store's ``add`` left its columns of different lengths, and the partial result then ended in an
internal error (seen in ``wspshare check fanout --targets 3 --no-symmetry`` under Ctrl-C)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from wspshare.properties.checker import check
from wspshare.properties.checker.safepoints import deferred_interrupts

from tests.checker.checker_toys import Act, LostState, LostUpdate


@contextmanager
def default_sigint() -> Iterator[None]:
    """Python's own SIGINT handler, whatever the test runner installed."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@dataclass
class InterruptedLostUpdate(LostUpdate):
    """The lost-update race, with a real SIGINT sent to this process from inside the
    ``at``-th successor it is asked for."""

    at: int = 10
    calls: int = 0

    def next_state(self, state: LostState, action: Act) -> LostState:
        self.calls += 1
        if self.calls == self.at:
            signal.raise_signal(signal.SIGINT)
        return super().next_state(state, action)


@pytest.mark.parametrize("at", [1, 2, 7, 10, 19])
def test_a_ctrl_c_inside_an_expansion_stops_the_search_after_it(at: int) -> None:
    model = InterruptedLostUpdate(3, at=at)
    with default_sigint():
        result = check(model, partial_on_interrupt=True)
    assert result.interrupted and not result.complete
    # Every successor asked for was counted: the expansion the signal came in was finished.
    assert result.statistics.transitions == model.calls
    assert result.statistics.states <= model.calls + 1


def test_a_ctrl_c_inside_an_expansion_propagates_without_partial_results() -> None:
    model = InterruptedLostUpdate(3, at=5)
    with default_sigint(), pytest.raises(KeyboardInterrupt):
        check(model)


def test_deferred_interrupts_leave_the_handler_as_they_found_it() -> None:
    with default_sigint():
        with deferred_interrupts() as interrupts:
            assert signal.getsignal(signal.SIGINT) == interrupts.note
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        with pytest.raises(KeyboardInterrupt), deferred_interrupts():
            signal.raise_signal(signal.SIGINT)  # noted, then raised at the end of the block
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_with_another_handler_in_place_nothing_is_deferred() -> None:
    """A worker or a harness that handles SIGINT itself keeps its handler."""
    seen: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
    try:
        with deferred_interrupts() as interrupts:
            signal.raise_signal(signal.SIGINT)
        assert seen == [signal.SIGINT] and not interrupts.pending
    finally:
        signal.signal(signal.SIGINT, previous)
