"""Layered providers call by call (R16): what a chain hands the client, how a duplication goes
through every layer and comes back together in the target, and what each layer's close does."""

from __future__ import annotations

import pytest
from wspshare.models.calls import WSPCloseSocket, WSPConnect, WSPDuplicateSocket, WSPSend, WSPSocket
from wspshare.models.errors import WSAError
from wspshare.models.kernel import find_handle
from wspshare.models.providers.layered import LayeredProvider, install_chain, top_of_chain
from wspshare.models.semantics import Semantics, standard_providers
from wspshare.models.state import XP1_IFS_HANDLES, HandleKind, ProtocolInfo, SocketStatus, World
from wspshare.properties.invariants import world_violations
from wspshare.properties.isolation import process_isolation
from wspshare.properties.layered import layer_references
from wspshare.properties.layered import top_of_chain as top_check

CHAINS = [
    ("ifs", ("non-ifs",)),
    ("ifs", ("ifs",)),
    ("ifs", ("non-ifs", "non-ifs")),
    ("ifs", ("ifs", "ifs")),
    ("ifs", ("non-ifs", "ifs")),
    ("non-ifs", ("non-ifs",)),
    ("non-ifs", ("non-ifs", "non-ifs")),
    ("non-ifs-claim", ("non-ifs",)),
]


def machine(base: str, layers: tuple[str, ...]) -> tuple[Semantics, LayeredProvider]:
    sem = Semantics(providers=install_chain(standard_providers(), base, layers))
    top = sem.provider_named(top_of_chain(base, layers))
    assert isinstance(top, LayeredProvider)
    return sem, top


def all_hold(sem: Semantics, w: World) -> None:
    assert world_violations(sem, w) == []
    assert process_isolation(sem, w) is None
    assert top_check(sem, w) is None
    assert layer_references(sem, w) is None


def handoff(sem: Semantics, top: LayeredProvider) -> tuple[World, int, int, ProtocolInfo]:
    w = sem.initial_world()
    w, _ = sem.spawn(w)
    w, _ = sem.spawn(w)
    w, r = sem.call(w, 0, 0, WSPSocket(top.catalog_id))
    assert r.ok and isinstance(r.value, int)
    s = r.value
    w, r = sem.call(w, 0, 0, WSPConnect(s))
    assert r.ok
    w, r = sem.call(w, 0, 0, WSPDuplicateSocket(s, w.procs[1].pid))
    assert r.ok and isinstance(r.value, ProtocolInfo)
    return w, s, 0, r.value


@pytest.mark.parametrize(("base", "layers"), CHAINS)
def test_the_client_only_ever_holds_descriptors_of_the_top_of_the_chain(
    base: str, layers: tuple[str, ...]
) -> None:
    sem, top = machine(base, layers)
    w, s, _, info = handoff(sem, top)
    assert find_handle(w.procs[0], s).catalog == top.catalog_id  # type: ignore[union-attr]
    # The info names the layer's own entry at the top of its chain, the base at the bottom.
    assert info.catalog_entry_id == top.catalog_id
    assert info.protocol_chain == top.chain and len(info.protocol_chain) == 1 + len(layers)
    assert info.protocol_chain[-1] == sem.provider_named(base).catalog_id
    assert bool(info.service_flags1 & XP1_IFS_HANDLES) == top.ifs
    w, r = sem.call(w, 1, 0, WSPSocket(0, info))
    assert r.ok and isinstance(r.value, int)
    assert find_handle(w.procs[1], r.value).catalog == top.catalog_id  # type: ignore[union-attr]
    all_hold(sem, w)
    w, r = sem.call(w, 1, 0, WSPSend(r.value))
    assert r.ok


@pytest.mark.parametrize(("base", "layers"), CHAINS)
def test_a_shared_socket_stays_open_while_any_descriptor_of_any_layer_refers_to_it(
    base: str, layers: tuple[str, ...]
) -> None:
    sem, top = machine(base, layers)
    w, s, _, info = handoff(sem, top)
    w, r = sem.call(w, 1, 0, WSPSocket(0, info))
    t = r.value
    assert isinstance(t, int)
    w, r = sem.call(w, 0, 0, WSPCloseSocket(s))
    assert r.ok
    assert w.sockets[0].status is not SocketStatus.CLOSED
    assert w.procs[0].handles == ()  # every layer's descriptor in the source went with the close
    all_hold(sem, w)
    w, r = sem.call(w, 1, 0, WSPSend(t))
    assert r.ok
    w, r = sem.call(w, 1, 0, WSPCloseSocket(t))
    assert r.ok and w.sockets[0].status is SocketStatus.CLOSED and w.sockets[0].refs == 0
    all_hold(sem, w)
    assert all(st.contexts == () for st in w.providers[3:])  # type: ignore[attr-defined]


def test_a_non_ifs_layer_over_the_ifs_base_hands_out_its_own_descriptor_not_a_file_handle() -> None:
    sem, top = machine("ifs", ("non-ifs",))
    w, s, _, _ = handoff(sem, top)
    mine = find_handle(w.procs[0], s)
    assert mine is not None and mine.kind is HandleKind.WPU  # from WPUCreateSocketHandle
    below = [h for h in w.procs[0].handles if h.catalog == 1001]
    assert len(below) == 1 and below[0].kind is HandleKind.IFS and below[0].value != s


def test_an_ifs_layer_hands_out_the_base_handle_under_its_own_entry() -> None:
    sem, top = machine("ifs", ("ifs",))
    w, s, _, _ = handoff(sem, top)
    sockets = [h for h in w.procs[0].handles if h.kind is not HandleKind.PROCESS]
    # One handle, the base's kernel handle, which WPUModifyIFSHandle moved to the layer.
    assert [(h.value, h.kind, h.catalog) for h in sockets] == [(s, HandleKind.IFS, top.catalog_id)]


def test_an_ifs_layer_cannot_sit_over_non_ifs_handles() -> None:
    from wspshare.models.errors import ModelError

    with pytest.raises(ModelError, match="IFS layer needs IFS handles"):
        install_chain(standard_providers(), "non-ifs", ("ifs",))
    with pytest.raises(ModelError, match="IFS layer needs IFS handles"):
        install_chain(standard_providers(), "ifs", ("ifs", "non-ifs"))


def test_an_info_of_another_chain_is_refused_with_wsaeinval() -> None:
    sem, top = machine("ifs", ("non-ifs", "non-ifs"))
    w, _, _, info = handoff(sem, top)
    forged = info._replace(protocol_chain=(top.catalog_id, 1001))  # skips the middle layer
    w2, r = sem.call(w, 1, 0, WSPSocket(0, forged))
    assert r.error is WSAError.WSAEINVAL and w2 == w


def test_the_layers_calls_on_an_unknown_descriptor_answer_wsaenotsock() -> None:
    sem, top = machine("ifs", ("non-ifs",))
    w, _, _, _ = handoff(sem, top)
    below = next(h for h in w.procs[0].handles if h.catalog == 1001)
    # A descriptor of the layer with no context (here: one made behind its back) is no socket.
    w, r = sem.switch.create_socket_handle(w, 0, top.catalog_id, below.obj)
    assert r.ok and isinstance(r.value, int)
    w2, r2 = sem.call(w, 0, 0, WSPSend(r.value))
    assert r2.error is WSAError.WSAENOTSOCK and w2 == w


def test_a_crashed_process_leaves_no_context_in_any_layer() -> None:
    sem, top = machine("ifs", ("non-ifs", "ifs"))
    w, _, _, info = handoff(sem, top)
    w, r = sem.call(w, 1, 0, WSPSocket(0, info))
    assert r.ok
    w = sem.exit_process(w, 1)
    assert all(c.pid != w.procs[1].pid for p in (3, 4) for c in w.providers[p].contexts)  # type: ignore[attr-defined]
    all_hold(sem, w)
