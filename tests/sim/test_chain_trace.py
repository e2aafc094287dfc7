"""The chain's calls, recorded (R16): a traced machine behaves exactly as the plain one, and its
log shows a duplication going down the chain and a claim coming back up, one party per layer."""

from __future__ import annotations

from wspshare.models.calls import WSPDuplicateSocket, WSPSocket
from wspshare.models.providers.layered import install_chain
from wspshare.models.semantics import Semantics, standard_providers
from wspshare.models.state import World
from wspshare.sim.chain_diagram import figure, lanes
from wspshare.sim.chain_trace import SWITCH, ChainLog, client_call, traced

CHAIN = ["lsp2", "lsp1", "ifs"]


def handoff(sem: Semantics, log: ChainLog | None = None) -> World:
    w = sem.initial_world()
    w, _ = sem.spawn(w)
    w, _ = sem.spawn(w)
    if log is not None:
        client_call(log, "source")
    w, r = sem.call(w, 0, 0, WSPSocket(2002))
    w, r = sem.call(w, 0, 0, WSPDuplicateSocket(r.value, w.procs[1].pid))  # type: ignore[arg-type]
    if log is not None:
        client_call(log, "target")
    w, _ = sem.call(w, 1, 0, WSPSocket(0, r.value))  # type: ignore[arg-type]
    return w


def test_a_traced_machine_behaves_exactly_as_the_plain_one() -> None:
    plain = Semantics(providers=install_chain(standard_providers(), "ifs", ("non-ifs", "ifs")))
    sem, log = traced(plain)
    assert handoff(sem, log) == handoff(plain)
    assert log.calls


def test_a_duplication_goes_down_the_chain_and_a_claim_comes_back_up() -> None:
    plain = Semantics(providers=install_chain(standard_providers(), "ifs", ("non-ifs", "ifs")))
    sem, log = traced(plain)
    handoff(sem, log)
    hops = [(c.caller, c.callee, c.call) for c in log.calls]
    duplicate = [h for h in hops if h[2] == "WSPDuplicateSocket"]
    assert duplicate == [
        ("source", "lsp2", "WSPDuplicateSocket"),
        ("lsp2", "lsp1", "WSPDuplicateSocket"),
        ("lsp1", "ifs", "WSPDuplicateSocket"),
    ]
    claim = hops[hops.index(("target", "lsp2", "WSPSocket(info)")) :]
    # Each layer hands out what the one below gave it its own way: the IFS layer takes the
    # base's handle over, the non-IFS layer on top makes its own descriptor.
    assert claim[-3:] == [
        ("ifs", SWITCH, "WPUModifyIFSHandle"),
        ("lsp1", SWITCH, "WPUModifyIFSHandle"),
        ("lsp2", SWITCH, "WPUCreateSocketHandle"),
    ]
    assert lanes(log.calls, CHAIN) == ["source", "target", *CHAIN, SWITCH]
    fig = figure(log.calls, CHAIN)
    # a name per lifeline, then an arrow (an annotation) and a label per call
    assert len(fig.axes[0].texts) == len(lanes(log.calls, CHAIN)) + 2 * len(log.calls)
