"""The executable semantics: one atomic call by one thread, ``(world, call) -> (world, result)``.

This is the single place the rules are applied; the simulator, every checker and the notebooks
go through ``Semantics.call``.  The switch dispatches a descriptor to the provider that owns it
(R4); no Python exception escapes for any arguments from any thread of any process: misuse is
answered with the Winsock error code the documentation names (R10).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from wspshare.models import overlapped
from wspshare.models.calls import (
    SHUT_PEER,
    Call,
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
from wspshare.models.kernel import Kernel, replace_at
from wspshare.models.params import is_stream, resolve
from wspshare.models.profiles import DOCUMENTED, Profile
from wspshare.models.providers import IfsProvider, NonIfsProvider, Provider, RefTiming
from wspshare.models.providers.base import kind_of
from wspshare.models.state import TCP_V4, Handle, ProtocolInfo, Result, SocketStatus, World, fail
from wspshare.models.switch import Switch

DescriptorCall = Callable[[Provider, "Semantics", World, int, Handle, Any], tuple[World, Result]]

# Every call on a descriptor, and the provider method that answers it: a new call is one row.
DISPATCH: dict[type, DescriptorCall] = {
    WSPConnect: lambda p, sem, w, slot, d, c: p.connect(sem, w, slot, d),
    WSPSend: lambda p, sem, w, slot, d, c: p.send(sem, w, slot, d),
    WSPRecv: lambda p, sem, w, slot, d, c: p.recv(sem, w, slot, d),
    WSPSetSockOpt: lambda p, sem, w, slot, d, c: p.setsockopt(sem, w, slot, d, c.option, c.value),
    WSPGetSockOpt: lambda p, sem, w, slot, d, c: p.getsockopt(sem, w, slot, d, c.option),
    WSPEventSelect: lambda p, sem, w, slot, d, c: p.event_select(sem, w, slot, d, c.mask),
    WSPDuplicateSocket: lambda p, sem, w, slot, d, c: p.duplicate(sem, w, slot, d, c.pid),
    WSPCloseSocket: lambda p, sem, w, slot, d, c: p.close(sem, w, slot, d),
    WSPBind: lambda p, sem, w, slot, d, c: p.bind(sem, w, slot, d, c.port),
    WSPListen: lambda p, sem, w, slot, d, c: p.listen(sem, w, slot, d, c.backlog),
    WSPAccept: lambda p, sem, w, slot, d, c: p.accept(sem, w, slot, d),
    WSPSendTo: lambda p, sem, w, slot, d, c: p.sendto(sem, w, slot, d, c.port),
    WSPRecvFrom: lambda p, sem, w, slot, d, c: p.recvfrom(sem, w, slot, d),
    WSPShutdown: lambda p, sem, w, slot, d, c: p.shutdown(sem, w, slot, d, c.how),
}
CALL_TYPES = (
    WSPSocket, WSPConnect, WSPSend, WSPRecv, WSPSetSockOpt, WSPGetSockOpt, WSPEventSelect,
    WSPDuplicateSocket, WSPCloseSocket, WSPBind, WSPListen, WSPAccept, WSPSendTo, WSPRecvFrom,
    WSPShutdown,
)  # fmt: skip
if set(CALL_TYPES) != {WSPSocket, *DISPATCH}:  # pragma: no cover - a call without a row
    raise ModelError("every descriptor call needs its row in DISPATCH")
ISSUING = (WSPAccept,)  # descriptor calls that hand the client a new descriptor
ALLOCATING = (WSPSocket, WSPDuplicateSocket, WSPAccept)  # the calls a shortage fails (M5)


def well_formed(call: object) -> bool:
    """A call record whose arguments have the C types of the real prototypes: every field an
    integer, and a protocol info (if any) made of integers too.  Anything else is WSAEINVAL."""
    kind = type(call)
    if kind in _PLAIN_CALLS:  # the common case, decided without a per-field loop in Python
        return all(type(v) is int for v in call) or all(_is_int(v) for v in call)  # type: ignore[attr-defined]
    if not isinstance(call, CALL_TYPES):
        return False
    for name, value in zip(call._fields, call, strict=True):
        if name == "info":
            if value is None:
                continue
            if not isinstance(value, ProtocolInfo):
                return False
            fields = (*value[:2], *value.protocol_chain, *value[3:])
            if not isinstance(value.protocol_chain, tuple) or not all(_is_int(f) for f in fields):
                return False
        elif not _is_int(value):
            return False
    return True


_PLAIN_CALLS = frozenset(CALL_TYPES) - {WSPSocket}  # calls whose fields are all integers


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def allocates(call: Call) -> bool:
    """The calls that need new resources, and so the ones an injected shortage fails (M5)."""
    return isinstance(call, ALLOCATING)


def standard_providers() -> tuple[Provider, ...]:
    """The catalog every world starts with: an IFS provider and the two non-IFS designs."""
    return (
        IfsProvider(),
        NonIfsProvider(),
        NonIfsProvider("non-ifs-claim", 1003, RefTiming.AT_CLAIM),
    )


@dataclass(frozen=True)
class Semantics:
    """The machine: a kernel, one switch per process, and the installed providers."""

    providers: tuple[Provider, ...] = field(default_factory=standard_providers)
    kernel: Kernel = field(default_factory=Kernel)
    switch_type: type[Switch] = Switch
    profile: Profile = DOCUMENTED  # the documentation, or a real implementation (models.profiles)
    switch: Switch = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "switch", self.switch_type(self.kernel))
        ids = [p.catalog_id for p in self.providers]
        if len(set(ids)) != len(ids):
            raise ModelError(f"catalog entry ids must be distinct, got {ids}")

    # --- catalog and provider state ------------------------------------------------------------
    def initial_world(self) -> World:
        return World((), (), tuple(p.initial_state() for p in self.providers))

    def provider(self, catalog_id: int) -> Provider | None:
        for p in self.providers:
            if p.catalog_id == catalog_id:
                return p
        return None

    def provider_named(self, name: str) -> Provider:
        for p in self.providers:
            if p.name == name:
                return p
        names = ", ".join(p.name for p in self.providers)
        raise ModelError(f"no provider named {name!r}; installed: {names}")

    def provider_state(self, w: World, provider: Provider) -> Hashable:
        return w.providers[self.providers.index(provider)]

    def with_provider_state(self, w: World, provider: Provider, state: Hashable) -> World:
        index = self.providers.index(provider)
        return w._replace(providers=replace_at(w.providers, index, state))

    # --- processes -----------------------------------------------------------------------------
    def spawn(
        self, w: World, threads: int = 1, pid: int | None = None, parent: int | None = None
    ) -> tuple[World, int]:
        """Start a process; ``pid`` reuses an exited process's pid if nothing pins it; with a
        ``parent`` slot it is created with handle inheritance (CreateProcess, bInheritHandles)."""
        if threads < 1:
            raise ModelError("a process needs at least one thread")
        if pid is not None and not self.kernel.pid_reusable(w, pid):
            raise ModelError(f"pid {pid} is in use or pinned by a process handle")
        if parent is not None and not (_is_int(parent) and 0 <= parent < len(w.procs)):
            raise ModelError(f"no parent process in slot {parent!r}")
        return self.kernel.spawn(w, threads, pid, parent)

    def set_inheritable(
        self, w: World, slot: int, s: int, inheritable: bool = True
    ) -> tuple[World, Result]:
        """SetHandleInformation(s, HANDLE_FLAG_INHERIT, ...) on a descriptor of ``slot``; a value
        that is no descriptor is WSAENOTSOCK (the Win32 call's ERROR_INVALID_HANDLE)."""
        if not _is_int(slot) or not 0 <= slot < len(w.procs) or not w.procs[slot].alive:
            return w, fail(WSAError.WSANOTINITIALISED)
        if self.switch.descriptor(w, slot, s) is None:
            return w, fail(WSAError.WSAENOTSOCK)
        w, _ = self.kernel.set_inheritable(w, slot, s, inheritable)
        return w, Result(WSAError.NO_ERROR)

    def exit_process(self, w: World, slot: int) -> World:
        """Exit or crash: kernel rundown (R11), then each provider's cleanup hook."""
        if not 0 <= slot < len(w.procs) or not w.procs[slot].alive:
            return w
        pending = any(sock.pending for sock in w.sockets)
        if pending:  # R14: the process's own requests die with it
            w = overlapped.cancel_for(w, w.procs[slot].pid)
        w = self.kernel.exit_process(w, slot)
        for provider in self.providers:
            w = provider.on_process_exit(self, w, slot)
        return overlapped.abort_closed(w) if pending else w

    def inject_failure(self, w: World, slot: int, error: WSAError) -> World:
        """M5: the next call of the process fails with ``error`` (WSAENOBUFS, WSAEMFILE ...)."""
        if not _is_int(slot) or not 0 <= slot < len(w.procs):
            raise ModelError(f"no process in slot {slot!r}; slots are 0..{len(w.procs) - 1}")
        proc = w.procs[slot]
        return w._replace(procs=replace_at(w.procs, slot, proc._replace(fail_next=error)))

    # --- calls ---------------------------------------------------------------------------------
    def call(self, w: World, slot: int, thread: int, call: Call) -> tuple[World, Result]:
        """One atomic SPI call by ``thread`` of the process in ``slot``."""
        if not _is_int(slot) or not 0 <= slot < len(w.procs) or not w.procs[slot].alive:
            return w, fail(WSAError.WSANOTINITIALISED)
        proc = w.procs[slot]
        if not _is_int(thread) or not 0 <= thread < proc.threads or not well_formed(call):
            return w, fail(WSAError.WSAEINVAL)
        if proc.fail_next is not WSAError.NO_ERROR and allocates(call):
            w = w._replace(
                procs=replace_at(w.procs, slot, proc._replace(fail_next=WSAError.NO_ERROR))
            )
            return w, fail(proc.fail_next)
        if isinstance(call, WSPSocket):
            return self._socket(w, slot, call)
        return self._on_descriptor(w, slot, call)

    def _socket(self, w: World, slot: int, call: WSPSocket) -> tuple[World, Result]:
        info = call.info
        provider = self.provider(info.catalog_entry_id if info else call.catalog)
        if provider is None:
            return w, fail(WSAError.WSAEINVAL)
        # R12: wildcards and FROM_PROTOCOL_INFO are resolved against the info passed with the
        # call (the catalog entry's own, IPv4 TCP, when no shared info is given); the provider
        # sees the resolved triple.
        kind = resolve(kind_of(call), kind_of(info) if info else TCP_V4)
        if isinstance(kind, WSAError):
            return w, fail(kind)
        family, stype, protocol = kind
        if info is None:
            asked = WSPSocket(call.catalog, None, family, stype, protocol)
            w, result = provider.socket(self, w, slot, asked)
        else:
            if kind != (info.address_family, info.socket_type, info.protocol):  # overridden
                info = ProtocolInfo(*info[:3], family, stype, protocol, info.provider_reserved)
            w, result = provider.socket_from_info(self, w, slot, info)
        if result.ok and isinstance(result.value, int):
            w = self._issue(w, slot, result.value)
        return w, result

    def _on_descriptor(self, w: World, slot: int, call: Call) -> tuple[World, Result]:
        if isinstance(call, WSPSocket):  # pragma: no cover - routed by ``call``
            return self._socket(w, slot, call)
        d = self.switch.descriptor(w, slot, call.s)
        provider = self.provider(d.catalog) if d is not None else None
        if d is None or provider is None:
            return w, fail(WSAError.WSAENOTSOCK)
        w, result = DISPATCH[type(call)](provider, self, w, slot, d, call)
        if result.ok and isinstance(call, WSPCloseSocket):
            w = self._retire(w, slot, call.s)
            if any(sock.pending for sock in w.sockets):
                w = overlapped.abort_closed(w)  # R14: the last close aborts what is pending
        elif result.ok and isinstance(call, ISSUING) and isinstance(result.value, int):
            w = self._issue(w, slot, result.value)
        elif (
            result.error is WSAError.WSAEWOULDBLOCK
            and isinstance(call, WSPRecv | WSPAccept)
            and call.overlapped
        ):
            index = provider.socket_of(self, w, slot, d)
            if index is not None:
                return overlapped.pend(w, index, call, w.procs[slot].pid, d.catalog)
        return w, result

    def associate(self, w: World, slot: int, s: int, port: int, key: int) -> tuple[World, Result]:
        """CreateIoCompletionPort(s, port, key): the association is the socket's (R14)."""
        if not _is_int(slot) or not 0 <= slot < len(w.procs) or not w.procs[slot].alive:
            return w, fail(WSAError.WSANOTINITIALISED)
        d = self.switch.descriptor(w, slot, s)
        provider = self.provider(d.catalog) if d is not None else None
        index = provider.socket_of(self, w, slot, d) if provider and d else None
        if index is None or w.sockets[index].status is SocketStatus.CLOSED:
            return w, fail(WSAError.WSAENOTSOCK)
        return overlapped.associate(w, index, port, key)

    # --- the network beyond the machine (clients of R15, senders of datagrams) ----------------
    def client_connects(self, w: World, port: int, client: int) -> tuple[World, bool]:
        """A network client connects to ``port``: queued on the open stream socket listening
        there if its backlog has room; refused otherwise (False)."""
        for index, sock in enumerate(w.sockets):
            if sock.status is SocketStatus.LISTENING and sock.port == port:
                if len(sock.queue) >= sock.backlog:
                    return w, False
                sock = sock._replace(queue=(*sock.queue, client))
                w = self.kernel.update_socket(w, index, sock)
                return overlapped.arrived(self, w, index, self.provider(sock.catalog)), True
        return w, False

    def datagram_arrives(self, w: World, port: int, datagram: int) -> tuple[World, bool]:
        """A datagram for ``port``: queued on the open datagram socket bound there; dropped
        (False) when there is none, as UDP drops it."""
        for index, sock in enumerate(w.sockets):
            if sock.status is not SocketStatus.CLOSED and sock.port == port:
                if is_stream(sock.kind):
                    continue
                sock = sock._replace(queue=(*sock.queue, datagram))
                w = self.kernel.update_socket(w, index, sock)
                return overlapped.arrived(self, w, index, self.provider(sock.catalog)), True
        return w, False

    def peer_closes(self, w: World, index: int) -> tuple[World, bool]:
        """The remote end of connected stream socket ``index`` closes, or shuts down its
        sending side: the socket records it (``SHUT_PEER``), FD_CLOSE reaches the one
        registration (R8), a pending receive completes, and a receive once the data is read
        returns end of stream (0).  False when there is no such peer (or it closed already)."""
        if not _is_int(index) or not 0 <= index < len(w.sockets):
            return w, False
        sock = w.sockets[index]
        connected = sock.status is SocketStatus.CONNECTED and is_stream(sock.kind)
        if not connected or sock.shut & SHUT_PEER:
            return w, False
        w = self.kernel.update_socket(w, index, sock._replace(shut=sock.shut | SHUT_PEER))
        return overlapped.peer_closed(w, index), True

    # --- ghost bookkeeping for the properties -------------------------------------------------
    def issue(self, w: World, slot: int, value: int) -> World:
        """Record that the client in ``slot`` was handed descriptor ``value`` (R4's ghost)."""
        return self._issue(w, slot, value)

    def _issue(self, w: World, slot: int, value: int) -> World:
        proc = w.procs[slot]
        issued = tuple(sorted({*proc.issued, value}))
        return w._replace(procs=replace_at(w.procs, slot, proc._replace(issued=issued)))

    def _retire(self, w: World, slot: int, value: int) -> World:
        proc = w.procs[slot]
        issued = tuple(v for v in proc.issued if v != value)
        return w._replace(procs=replace_at(w.procs, slot, proc._replace(issued=issued)))
