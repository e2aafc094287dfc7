"""Inductive proofs with the endpoint calls in the twin (``Bounds.queue`` > 0): every invariant
is preserved by bind, listen, accept, sendto, recvfrom, shutdown and the network's events, and by
the seed's calls over the richer socket state; a broken accept is refuted."""

from __future__ import annotations

from typing import Any

import pytest
import z3
from wspshare.properties.smt.induction import prove
from wspshare.properties.smt.outcome import Outcome
from wspshare.properties.smt.state import Bounds, SymState
from wspshare.properties.smt.twin import Twin

SMALL = Bounds(procs=2, threads=2, handles=2, sockets=2, shares=1, queue=1)
QUICK = ["WSPAccept", "ClientConnects", "PeerCloses"]


class AcceptWithoutReference(Twin):
    """A provider whose accepted socket's descriptor takes no reference (R7 broken)."""

    name = "accept-without-reference"

    def accept_first(self, s: SymState, slot: Any, cat: int, k: Any) -> Outcome:
        out = super().accept_first(s, slot, cat, k)
        made = out.error == 0  # the new socket is cell ``s.nsocks``, its one reference undone
        refs = [z3.If(z3.And(made, n == s.nsocks), r - 1, r) for n, r in enumerate(out.post.refs)]
        return out._replace(post=out.post.with_(refs=refs))


def test_accept_and_the_network_preserve_every_invariant() -> None:
    result = prove(Twin(SMALL), actions=QUICK)
    assert result.initial_ok and not result.ctis and not result.unknown


def test_the_induction_refutes_an_accept_that_takes_no_reference() -> None:
    result = prove(
        AcceptWithoutReference(SMALL), actions=["WSPAccept"], formulas=["reference-count"]
    )
    assert [(c.formula, c.action) for c in result.ctis] == [("reference-count", "WSPAccept")]


@pytest.mark.slow
def test_every_invariant_is_inductive_with_the_endpoint_calls_at_a_small_bound() -> None:
    """About 30 s on an idle machine; the default bound with queue cells is not claimed."""
    result = prove(Twin(SMALL))
    assert result.holds, ([(c.formula, c.action) for c in result.ctis], result.unknown)
