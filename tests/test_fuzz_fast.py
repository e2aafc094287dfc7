"""The fast tier's share of the call fuzz: fewer, shorter histories than ``test_fuzz_calls``, with
the same checks after every call (no exception, an allowed code, every world invariant, the
single-use and no-strangers ghosts)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wspshare.models.semantics import Semantics
from wspshare.properties.stateful.driver import Driver, PropertyViolation, format_trace
from wspshare.properties.stateful.ops import Op, ops

EXAMPLES = 15
OPS = 60


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(st.lists(ops, min_size=OPS, max_size=OPS))
def test_arbitrary_calls_keep_every_invariant(history: list[Op]) -> None:
    driver = Driver.start(Semantics())
    try:
        for op in history:
            driver.apply(op)
    except PropertyViolation as err:
        raise AssertionError(f"{err}\n{format_trace(err.trace)}") from None
