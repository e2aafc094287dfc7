"""A correct protocol chain is transparent (R16): every script of calls - creation, the data path,
endpoints, overlapped requests, duplication, claims, close, exits, shortages - gets the same
answers through a chain of layers as on its base alone, and leaves the underlying sockets in the
same state; only the descriptors' values and the info's top entry may differ.  After every step
the world invariants, process isolation and the chain's own properties hold."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from wspshare.models.calls import (
    FD_ACCEPT,
    FD_CLOSE,
    FD_READ,
    SD_RECEIVE,
    SD_SEND,
    SO_KEEPALIVE,
    SO_SNDBUF,
    WSPAccept,
    WSPBind,
    WSPCloseSocket,
    WSPConnect,
    WSPDuplicateSocket,
    WSPEventSelect,
    WSPGetSockOpt,
    WSPListen,
    WSPRecv,
    WSPRecvFrom,
    WSPSend,
    WSPSendTo,
    WSPSetSockOpt,
    WSPShutdown,
    WSPSocket,
)
from wspshare.models.errors import ModelError, WSAError
from wspshare.models.kernel import Kernel
from wspshare.models.providers.layered import (
    Context,
    LayeredProvider,
    LayerState,
    base_of,
    handed_to_a_layer,
    install_chain,
    top_of_chain,
)
from wspshare.models.providers.layered_buggy import PassThroughInfoLayer
from wspshare.models.semantics import Semantics, standard_providers
from wspshare.models.state import (
    AF_INET,
    FROM_PROTOCOL_INFO,
    IPPROTO_UDP,
    SOCK_DGRAM,
    ProtocolInfo,
    Sock,
    World,
)
from wspshare.properties.invariants import world_violations
from wspshare.properties.isolation import process_isolation
from wspshare.properties.layered import layer_references
from wspshare.properties.layered import top_of_chain as top_check

from tests.test_layered_calls import CHAINS  # the correct chains, over every base

IDS = [f"{base}-{'-'.join(layers)}" for base, layers in CHAINS]
UDP = (AF_INET, SOCK_DGRAM, IPPROTO_UDP)
TCP = (FROM_PROTOCOL_INFO,) * 3

# A script step: ("socket", slot, name, kind), ("call", slot, call type, name, *args),
# ("dup", slot, name, pid slot, info), ("claim", slot, info, name), ("accept", slot, name,
# new name, overlapped tag), ("client", port, id), ("datagram", port, id), ("exit", slot),
# ("short", slot, error).  Names stand for descriptors and infos, which differ between machines.
Script = list[tuple[Any, ...]]

STREAM: Script = [
    ("socket", 0, "s", TCP),
    ("call", 0, WSPSetSockOpt, "s", SO_SNDBUF, 4096),
    ("call", 0, WSPGetSockOpt, "s", SO_SNDBUF),
    ("call", 0, WSPSetSockOpt, "s", 0x7777, 1),
    ("call", 0, WSPGetSockOpt, "s", 0x7777),
    ("call", 0, WSPEventSelect, "s", FD_READ | FD_CLOSE),
    ("call", 0, WSPSend, "s"),
    ("call", 0, WSPConnect, "s"),
    ("call", 0, WSPConnect, "s"),
    ("call", 0, WSPSend, "s"),
    ("call", 0, WSPRecv, "s"),
    ("call", 0, WSPRecv, "s", 7),  # overlapped: stays pending
    ("dup", 0, "s", 1, "i"),
    ("claim", 1, "i", "t"),
    ("claim", 1, "i", "t2"),  # the second claim of one info
    ("call", 1, WSPGetSockOpt, "t", SO_SNDBUF),
    ("call", 1, WSPSetSockOpt, "t", SO_KEEPALIVE, 1),
    ("call", 1, WSPEventSelect, "t", FD_READ),
    ("call", 1, WSPSend, "t"),
    ("call", 0, WSPShutdown, "s", SD_SEND),
    ("call", 1, WSPSend, "t"),
    ("call", 0, WSPCloseSocket, "s"),
    ("call", 0, WSPSend, "s"),
    ("call", 1, WSPRecv, "t"),
    ("call", 1, WSPCloseSocket, "t"),
    ("call", 1, WSPCloseSocket, "t"),
]

LISTENER: Script = [
    ("socket", 0, "l", TCP),
    ("call", 0, WSPListen, "l", 1),
    ("call", 0, WSPBind, "l", 1 << 17),
    ("call", 0, WSPBind, "l", 80),
    ("call", 0, WSPBind, "l", 81),
    ("call", 0, WSPListen, "l", 0),
    ("call", 0, WSPListen, "l", 1),
    ("call", 0, WSPEventSelect, "l", FD_ACCEPT),
    ("accept", 0, "l", "c0", 0),
    ("client", 80, 1),
    ("client", 80, 2),
    ("accept", 0, "l", "c1", 0),
    ("call", 0, WSPSend, "c1"),
    ("call", 0, WSPGetSockOpt, "c1", SO_KEEPALIVE),
    ("dup", 0, "l", 1, "i"),
    ("claim", 1, "i", "m"),
    ("client", 80, 4),
    ("accept", 1, "m", "c3", 0),
    ("call", 1, WSPShutdown, "c3", SD_RECEIVE),
    ("call", 1, WSPRecv, "c3"),
    ("call", 0, WSPCloseSocket, "c1"),
    ("call", 0, WSPCloseSocket, "l"),
    ("client", 80, 5),
    ("accept", 1, "m", "c4", 0),
    ("call", 1, WSPCloseSocket, "m"),
    ("client", 80, 6),
]

DATAGRAM: Script = [
    ("socket", 0, "u", UDP),
    ("call", 0, WSPRecvFrom, "u"),
    ("call", 0, WSPBind, "u", 81),
    ("call", 0, WSPSendTo, "u", 80),
    ("call", 0, WSPSendTo, "u", -1),
    ("call", 0, WSPListen, "u", 1),
    ("call", 0, WSPRecvFrom, "u"),
    ("datagram", 81, 5),
    ("datagram", 81, 6),
    ("call", 0, WSPRecvFrom, "u"),
    ("call", 0, WSPRecv, "u", 3),  # overlapped, completed at once
    ("call", 0, WSPRecv, "u", 4),  # overlapped: pending until the next datagram
    ("datagram", 81, 7),
    ("dup", 0, "u", 1, "i"),
    ("claim", 1, "i", "v"),
    ("call", 1, WSPRecvFrom, "v"),
    ("datagram", 81, 8),
    ("call", 1, WSPRecvFrom, "v"),
    ("call", 1, WSPShutdown, "v", SD_RECEIVE),
    ("call", 1, WSPRecvFrom, "v"),
    ("call", 1, WSPSendTo, "v", 80),
    ("call", 0, WSPCloseSocket, "u"),
    ("call", 1, WSPSendTo, "v", 80),
    ("call", 1, WSPCloseSocket, "v"),
]

EXITS_AND_SHORTAGES: Script = [
    ("short", 0, WSAError.WSAENOBUFS),
    ("socket", 0, "x", TCP),
    ("socket", 0, "s", TCP),
    ("call", 0, WSPConnect, "s"),
    ("dup", 0, "s", 1, "i"),
    ("dup", 0, "s", 2, "j"),
    ("short", 1, WSAError.WSAEMFILE),
    ("claim", 1, "i", "x"),
    ("claim", 1, "i", "t"),
    ("claim", 2, "j", "u"),
    ("claim", 2, "i", "x"),  # an info made for another process
    ("exit", 1),
    ("call", 0, WSPSend, "s"),
    ("call", 2, WSPSend, "u"),
    ("exit", 0),
    ("call", 2, WSPSend, "u"),
    ("dup", 2, "u", 0, "k"),  # for a process that has exited
    ("exit", 2),
]
SCRIPTS = {
    "stream": STREAM,
    "listener": LISTENER,
    "datagram": DATAGRAM,
    "exits-and-shortages": EXITS_AND_SHORTAGES,
}


class Run:
    """One machine running a script, with its own values for the script's names."""

    def __init__(self, sem: Semantics, catalog: int) -> None:
        self.sem, self.catalog = sem, catalog
        w = sem.initial_world()
        for _ in range(3):
            w, _ = sem.spawn(w)
        self.w: World = w
        self.names: dict[str, Any] = {}

    def desc(self, name: str) -> int:
        value = self.names.get(name, 0)
        assert isinstance(value, int)
        return value

    def step(self, op: tuple[Any, ...]) -> object:
        """The step's answer, in terms both machines must agree on."""
        sem, kind = self.sem, op[0]
        if kind == "client":
            self.w, queued = sem.client_connects(self.w, op[1], op[2])
            return queued
        if kind == "datagram":
            self.w, queued = sem.datagram_arrives(self.w, op[1], op[2])
            return queued
        if kind == "exit":
            self.w = sem.exit_process(self.w, op[1])
            return None
        if kind == "short":
            self.w = sem.inject_failure(self.w, op[1], op[2])
            return None
        slot = op[1]
        if kind == "socket":
            call: Any = WSPSocket(self.catalog, None, *op[3])
            return self.made(slot, call, op[2])
        if kind == "claim":
            info = self.names.get(op[2])
            return self.made(slot, WSPSocket(0, info), op[3])
        if kind == "accept":
            return self.made(slot, WSPAccept(self.desc(op[2]), op[4]), op[3])
        if kind == "dup":
            pid = self.w.procs[op[3]].pid
            self.w, r = sem.call(self.w, slot, 0, WSPDuplicateSocket(self.desc(op[2]), pid))
            if isinstance(r.value, ProtocolInfo):
                self.names[op[4]] = r.value
                info = r.value
                return r.error, (info.address_family, info.socket_type, info.protocol)
            return r.error, r.value
        self.w, r = sem.call(self.w, slot, 0, op[2](self.desc(op[3]), *op[4:]))
        return r.error, r.value

    def made(self, slot: int, call: Any, name: str) -> object:
        self.w, r = self.sem.call(self.w, slot, 0, call)
        if r.ok and isinstance(r.value, int):
            self.names[name] = r.value
            return r.error, "descriptor"
        return r.error, r.value

    def sockets(self) -> list[tuple[object, ...]]:
        """The underlying sockets' state, but for what names descriptors and their references
        (each layer's descriptor holds one)."""
        return [shared(s) for s in self.w.sockets]


def shared(s: Sock) -> tuple[object, ...]:
    return (
        s.status, s.options, s.sent, s.inbox, s.last_set, s.kind, s.port, s.backlog, s.queue,
        s.taken, s.origin, s.shut, tuple((op, tag) for op, tag, *_ in s.pending), s.completion,
        s.signalled, tuple(mask for _, _, mask in s.events),
    )  # fmt: skip


def chain_holds(sem: Semantics, w: World) -> list[object]:
    return [
        *world_violations(sem, w),
        process_isolation(sem, w),
        top_check(sem, w),
        layer_references(sem, w),
    ]


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize(("base", "layers"), CHAINS, ids=IDS)
def test_a_chain_answers_every_call_as_its_base_alone_would(
    base: str, layers: tuple[str, ...], script: str
) -> None:
    # Tables large enough for every layer's descriptors (each non-IFS layer adds one per socket).
    plain = Semantics(kernel=Kernel(max_handles=32))
    sem = replace(plain, providers=install_chain(standard_providers(), base, layers))
    top = sem.provider_named(top_of_chain(base, layers))
    assert isinstance(top, LayeredProvider)
    alone = Run(plain, plain.provider_named(base).catalog_id)
    chained = Run(sem, top.catalog_id)
    answers = []
    for i, op in enumerate(SCRIPTS[script]):
        expected, got = alone.step(op), chained.step(op)
        assert got == expected, f"step {i} {op}: {got} through the chain, {expected} alone"
        assert chained.sockets() == alone.sockets(), f"step {i} {op}"
        assert chain_holds(sem, chained.w) == [None, None, None], f"step {i} {op}"
        answers.append(expected)
    # The script reaches both answers of the calls it makes (not every one fails, nor succeeds).
    codes = {a[0] for a in answers if isinstance(a, tuple)}
    assert WSAError.NO_ERROR in codes and len(codes) > 2
    for name, value in chained.names.items():
        if isinstance(value, ProtocolInfo):  # the info a chain makes names its top
            assert value.catalog_entry_id == top.catalog_id, name
            assert value.protocol_chain == top.chain, name
            assert value.provider_reserved == alone.names[name].provider_reserved, name


def test_a_layers_reprs_name_its_kind_entry_and_chain() -> None:
    providers = install_chain(standard_providers(), "ifs", ("non-ifs", "ifs"))
    layers = {p.name: p for p in providers if isinstance(p, LayeredProvider)}
    assert repr(layers["lsp1"]) == "LayeredProvider('lsp1', 2001, ifs, (2001, 1001))"
    assert repr(layers["lsp2"]) == "LayeredProvider('lsp2', 2002, non-ifs, (2002, 2001, 1001))"


def test_a_layers_own_protocol_info_names_its_entry_chain_and_kind() -> None:
    providers = install_chain(standard_providers(), "ifs", ("non-ifs", "ifs"))
    lsp2 = next(p for p in providers if p.name == "lsp2")
    info = lsp2.protocol_info(12, UDP)
    assert info == ProtocolInfo(0, 2002, (2002, 2001, 1001), *UDP, 12)
    lsp1 = next(p for p in providers if p.name == "lsp1")
    assert lsp1.protocol_info(4).service_flags1 == providers[0].service_flags1
    assert lsp1.protocol_info(4)[3:] == providers[0].protocol_info(4)[3:]


OVERLAPPED_ACCEPT: Script = [
    ("socket", 0, "l", TCP),
    ("call", 0, WSPBind, "l", 80),
    ("call", 0, WSPListen, "l", 1),
    ("accept", 0, "l", "c", 5),  # overlapped: pending until a client arrives
    ("client", 80, 1),  # the pending accept takes it
]


@pytest.mark.parametrize(("base", "layers"), CHAINS, ids=IDS)
def test_an_overlapped_accept_through_a_chain_completes_with_a_descriptor_of_the_top(
    base: str, layers: tuple[str, ...]
) -> None:
    sem = Semantics(providers=install_chain(standard_providers(), base, layers))
    top = sem.provider_named(top_of_chain(base, layers))
    run = Run(sem, top.catalog_id)
    for op in OVERLAPPED_ACCEPT:
        run.step(op)
    assert [error for *_, tag, error in run.w.completions if tag == 5] == [0]  # it completed
    assert chain_holds(sem, run.w) == [None, None, None]


def listening(sem: Semantics, top: LayeredProvider) -> tuple[World, int]:
    """A listening socket made through the chain in slot 0, with one client waiting."""
    run = Run(sem, top.catalog_id)
    for op in [
        ("socket", 0, "l", TCP),
        ("call", 0, WSPBind, "l", 80),
        ("call", 0, WSPListen, "l", 1),
        ("client", 80, 1),
    ]:
        run.step(op)
    return run.w, 0


@pytest.mark.parametrize(("base", "layers"), CHAINS, ids=IDS)
def test_a_layer_completes_an_accept_of_the_base_with_a_descriptor_of_its_own(
    base: str, layers: tuple[str, ...]
) -> None:
    """accept_first, how a pending overlapped accept completes (R14): the base takes the first
    connection and the layer wraps its descriptor, as a blocking WSPAccept through it does."""
    sem = Semantics(providers=install_chain(standard_providers(), base, layers))
    top = sem.provider_named(top_of_chain(base, layers))
    assert isinstance(top, LayeredProvider)
    w, index = listening(sem, top)
    w1, r = top.accept_first(sem, w, 0, index)
    assert r.ok and isinstance(r.value, int)
    d = sem.switch.descriptor(w1, 0, r.value)
    assert d is not None and d.catalog == top.catalog_id
    conn = top.socket_of(sem, w1, 0, d)
    assert conn is not None and conn != index and w1.sockets[conn].origin == 1
    assert w1.sockets[index].queue == () and w1.sockets[index].taken == (1,)
    listener = w.procs[0].issued[0]  # what the client holds: the top's descriptor
    w2, blocking = sem.call(w, 0, 0, WSPAccept(listener))
    assert blocking.ok and [shared(s) for s in w2.sockets] == [shared(s) for s in w1.sockets]
    w1 = sem.issue(w1, 0, r.value)
    assert chain_holds(sem, w1) == [None, None, None]


@pytest.mark.parametrize(("base", "layers"), CHAINS, ids=IDS)
def test_a_layers_new_descriptor_wraps_one_of_the_base_or_leaves_nothing(
    base: str, layers: tuple[str, ...]
) -> None:
    """new_descriptor (R4 for a chain): a descriptor of the layer in the process, whose context
    names a descriptor of the next provider for the same socket; with no room in the process's
    table for all of them, it fails and the world is as it was."""
    room = 1 + sum(kind == "non-ifs" for kind in layers)  # the handles one socket takes
    sem = Semantics(
        providers=install_chain(standard_providers(), base, layers),
        kernel=Kernel(max_handles=room),
    )
    top = sem.provider_named(top_of_chain(base, layers))
    assert isinstance(top, LayeredProvider)
    w = sem.initial_world()
    w, _ = sem.spawn(w)
    w, _ = sem.spawn(w)
    w, r = sem.call(w, 0, 0, WSPSocket(top.catalog_id))
    assert r.ok
    w1, made = top.new_descriptor(sem, w, 1, 0)
    assert made.ok and isinstance(made.value, int)
    assert len(w1.procs[1].handles) == room
    d = sem.switch.descriptor(w1, 1, made.value)
    assert d is not None and d.catalog == top.catalog_id
    assert top.socket_of(sem, w1, 1, d) == 0
    assert [c.pid for c in top.contexts(w1.providers[sem.providers.index(top)])] == [
        w.procs[0].pid,
        w.procs[1].pid,
    ]
    w2, full = top.new_descriptor(sem, w1, 1, 0)
    assert full.error is WSAError.WSAEMFILE and w2 == w1


def test_a_layers_state_renames_its_processes_and_lists_each_ones_references() -> None:
    """Symmetry reduction (models.scenario.symmetry): a layer's contexts name processes by pid,
    so a renaming of pids renames them (and keeps them sorted); each process's references are
    its contexts' (descriptor, descriptor below) pairs."""
    layer = LayeredProvider("lsp1", 2001, (2001, 1001), ifs=False)
    state = LayerState((Context(104, 8, 4), Context(108, 4, 8), Context(108, 12, 16)))
    swap = {104: 108, 108: 104}
    assert layer.renamed(state, swap.__getitem__) == LayerState(
        (Context(104, 4, 8), Context(104, 12, 16), Context(108, 8, 4))
    )
    assert layer.renamed(LayerState(()), swap.__getitem__) == LayerState(())
    assert layer.refs_to(state, 108) == ((4, 8), (12, 16))
    assert layer.refs_to(state, 104) == ((8, 4),)
    assert layer.refs_to(state, 112) == ()


@pytest.mark.parametrize("extra", [0, 1])
@pytest.mark.parametrize(("base", "layers"), CHAINS, ids=IDS)
def test_a_descriptor_through_a_chain_takes_a_handle_per_non_ifs_link_or_leaves_nothing(
    base: str, layers: tuple[str, ...], extra: int
) -> None:
    """Each socket made through a chain takes one handle of the base and one per non-IFS layer
    (an IFS layer takes over the base's); when the table has no room for all of them, creation
    (WSPSocket) and a layer's new_descriptor fail with WSAEMFILE and leave the world as it was,
    even when the links below had room for theirs."""
    room = 1 + sum(kind == "non-ifs" for kind in layers)
    for made_by in ("socket", "new_descriptor"):
        sem = Semantics(
            providers=install_chain(standard_providers(), base, layers),
            kernel=Kernel(max_handles=2 * room + extra),
        )
        top = sem.provider_named(top_of_chain(base, layers))
        assert isinstance(top, LayeredProvider)
        w = sem.initial_world()
        w, _ = sem.spawn(w)
        made = 0
        while True:
            before = w
            if made_by == "socket":
                w, r = sem.call(w, 0, 0, WSPSocket(top.catalog_id))
            else:
                w, r = top.new_descriptor(sem, w, 0, 0) if made else sem.call(
                    w, 0, 0, WSPSocket(top.catalog_id)
                )  # fmt: skip
            if not r.ok:
                break
            made += 1
            assert len(w.procs[0].handles) == made * room, made_by
        assert (
            made == (2 * room + extra) // room and r.error is WSAError.WSAEMFILE and w == before
        ), made_by


def test_a_layers_chain_starts_with_itself_and_names_a_base() -> None:
    for chain in [(2001,), (2002, 1001), ()]:
        with pytest.raises(ModelError, match=re.escape(
            f"a layer's chain starts with itself and names a base, got {chain}"
        )):  # fmt: skip
            LayeredProvider("lsp1", 2001, chain, ifs=False)


def test_a_layer_whose_next_entry_is_not_installed_is_a_model_error() -> None:
    layer = LayeredProvider("lsp1", 2001, (2001, 1999), ifs=False)
    sem = Semantics(providers=(*standard_providers(), layer))
    with pytest.raises(
        ModelError, match=re.escape("lsp1: the chain names entry 1999, not installed")
    ):
        layer.below(sem)


def test_a_chain_is_installed_over_a_named_base_with_known_layer_kinds_only() -> None:
    with pytest.raises(ModelError, match=re.escape("no base provider named 'tcp' to layer over")):
        install_chain(standard_providers(), "tcp", ("non-ifs",))
    with pytest.raises(ModelError, match=re.escape("a layer is one of non-ifs, ifs, got 'lsp'")):
        install_chain(standard_providers(), "ifs", ("lsp",))
    with pytest.raises(ModelError, match=re.escape(
        "an IFS layer needs IFS handles from below: put it over the ifs base or over "
        "IFS layers only"
    )):  # fmt: skip
        install_chain(standard_providers(), "non-ifs", ("ifs",))


def test_a_chain_keeps_an_entry_already_installed_in_a_layers_place() -> None:
    """A seeded bug installed as entry 2001 stays; the chain is built over it."""
    providers = standard_providers()
    buggy = PassThroughInfoLayer("lsp1", 2001, (2001, 1001), ifs=False)
    out = install_chain((*providers, buggy), "ifs", ("non-ifs", "non-ifs"))
    assert [p.catalog_id for p in out] == [*(p.catalog_id for p in providers), 2001, 2002]
    assert out[len(providers)] is buggy
    top = out[-1]
    assert isinstance(top, LayeredProvider) and top.chain == (2002, 2001, 1001)


def test_the_base_of_a_chain_is_its_last_entry_and_a_plain_provider_is_its_own() -> None:
    providers = install_chain(standard_providers(), "non-ifs", ("non-ifs", "non-ifs"))
    by_name = {p.name: p for p in providers}
    assert base_of(by_name["lsp2"]) == base_of(by_name["lsp1"]) == by_name["non-ifs"].catalog_id
    assert base_of(by_name["ifs"]) == by_name["ifs"].catalog_id
    assert base_of(None) is None


@pytest.mark.parametrize(("base", "layers"), [("ifs", ("non-ifs",)), ("non-ifs", ("non-ifs",))])
def test_a_layers_calls_on_a_descriptor_it_has_no_context_for_answer_wsaenotsock(
    base: str, layers: tuple[str, ...]
) -> None:
    """A descriptor of the layer made behind its back (no context) is no socket to it: its
    duplication, close and completion-port association are refused, and nothing changes."""
    sem = Semantics(providers=install_chain(standard_providers(), base, layers))
    top = sem.provider_named(top_of_chain(base, layers))
    assert isinstance(top, LayeredProvider)
    w = sem.initial_world()
    w, _ = sem.spawn(w)
    w, _ = sem.spawn(w)
    w, r = sem.call(w, 0, 0, WSPSocket(top.catalog_id))
    assert r.ok
    w, r = sem.switch.create_socket_handle(w, 0, top.catalog_id, 0)
    assert r.ok and isinstance(r.value, int)
    stray = r.value
    for call in (WSPDuplicateSocket(stray, w.procs[1].pid), WSPCloseSocket(stray)):
        w1, r = sem.call(w, 0, 0, call)
        assert r.error is WSAError.WSAENOTSOCK and w1 == w, call
    w1, r = sem.associate(w, 0, stray, 1, 7)
    assert r.error is WSAError.WSAENOTSOCK and w1 == w


def one_layer_descriptor() -> tuple[Semantics, World, int, int]:
    """Two processes under a non-IFS layer over the IFS base; the first made one descriptor
    through the layer: the world, the layer's descriptor and the base's behind it."""
    sem = Semantics(providers=install_chain(standard_providers(), "ifs", ("non-ifs",)))
    top = sem.provider_named("lsp1")
    w = sem.initial_world()
    w, _ = sem.spawn(w)
    w, _ = sem.spawn(w)
    w, r = sem.call(w, 0, 0, WSPSocket(top.catalog_id))
    assert r.ok and isinstance(r.value, int)
    lower = next(h.value for h in w.procs[0].handles if h.catalog == 1001)
    return sem, w, r.value, lower


def test_a_value_is_handed_to_a_layer_only_as_the_lower_descriptor_in_its_process() -> None:
    sem, w, mine, lower = one_layer_descriptor()
    pid, other = w.procs[0].pid, w.procs[1].pid
    assert handed_to_a_layer(sem, w, pid, lower)
    assert not handed_to_a_layer(sem, w, pid, mine)  # the layer's own: the client's
    assert not handed_to_a_layer(sem, w, other, lower)  # the same value in another process
    assert not handed_to_a_layer(Semantics(), Semantics().initial_world(), pid, lower)


def test_a_client_that_closes_the_descriptor_behind_a_layers_finds_the_layers_one_dead() -> None:
    """A client that guesses and closes the next provider's descriptor behind a non-IFS layer's
    own (never handed to it): the layer's context then names nothing, so every call on the
    layer's descriptor answers WSAENOTSOCK."""
    sem, w, mine, lower = one_layer_descriptor()
    w, r = sem.call(w, 0, 0, WSPCloseSocket(lower))
    assert r.ok
    for call in (
        WSPSend(mine),
        WSPConnect(mine),
        WSPDuplicateSocket(mine, w.procs[1].pid),
        WSPCloseSocket(mine),
    ):
        w1, r = sem.call(w, 0, 0, call)
        assert r.error is WSAError.WSAENOTSOCK and w1 == w, call


@pytest.mark.parametrize(("base", "layers"), CHAINS, ids=IDS)
def test_an_accept_through_a_chain_with_no_room_for_its_descriptors_leaves_nothing(
    base: str, layers: tuple[str, ...]
) -> None:
    room = 1 + sum(kind == "non-ifs" for kind in layers)  # the listener's handles fill the table
    sem = Semantics(
        providers=install_chain(standard_providers(), base, layers),
        kernel=Kernel(max_handles=room),
    )
    top = sem.provider_named(top_of_chain(base, layers))
    assert isinstance(top, LayeredProvider)
    w, index = listening(sem, top)
    w1, r = top.accept_first(sem, w, 0, index)
    assert r.error is WSAError.WSAEMFILE and w1 == w  # the connection still waits


def test_a_kept_entry_is_the_one_the_next_layer_is_checked_against() -> None:
    """An IFS layer needs IFS handles from the entry below it, the kept one included."""
    kept = PassThroughInfoLayer("lsp1", 2001, (2001, 1001), ifs=False)
    with pytest.raises(ModelError, match="an IFS layer needs IFS handles from below"):
        install_chain((*standard_providers(), kept), "ifs", ("ifs", "non-ifs"))
    kept_ifs = PassThroughInfoLayer("lsp1", 2001, (2001, 1001), ifs=True)
    out = install_chain((*standard_providers(), kept_ifs), "ifs", ("ifs", "ifs"))
    assert out[-2] is kept_ifs and out[-1].chain == (2002, 2001, 1001)  # type: ignore[attr-defined]
