"""The executable semantics: one atomic call by one thread, ``(world, call) -> (world, result)``.

This is the single place the rules are applied; the simulator, every checker and the notebooks
go through ``Semantics.call``.  The switch dispatches a descriptor to the provider that owns it
(R4); no Python exception escapes for any arguments from any thread of any process: misuse is
answered with the Winsock error code the documentation names (R10).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from wspshare.models.calls import (
    Call,
    WSPCloseSocket,
    WSPConnect,
    WSPDuplicateSocket,
    WSPEventSelect,
    WSPGetSockOpt,
    WSPRecv,
    WSPSend,
    WSPSetSockOpt,
    WSPSocket,
)
from wspshare.models.errors import ModelError, WSAError
from wspshare.models.kernel import Kernel, replace_at
from wspshare.models.providers import IfsProvider, NonIfsProvider, Provider, RefTiming
from wspshare.models.state import ProtocolInfo, Result, World, fail
from wspshare.models.switch import Switch

CALL_TYPES = (
    WSPSocket,
    WSPConnect,
    WSPSend,
    WSPRecv,
    WSPSetSockOpt,
    WSPGetSockOpt,
    WSPEventSelect,
    WSPDuplicateSocket,
    WSPCloseSocket,
)


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
    return isinstance(call, WSPSocket | WSPDuplicateSocket)


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
    def spawn(self, w: World, threads: int = 1, pid: int | None = None) -> tuple[World, int]:
        """Start a process; ``pid`` reuses an exited process's pid if nothing pins it."""
        if threads < 1:
            raise ModelError("a process needs at least one thread")
        if pid is not None and not self.kernel.pid_reusable(w, pid):
            raise ModelError(f"pid {pid} is in use or pinned by a process handle")
        return self.kernel.spawn(w, threads, pid)

    def exit_process(self, w: World, slot: int) -> World:
        """Exit or crash: kernel rundown (R11), then each provider's cleanup hook."""
        if not 0 <= slot < len(w.procs) or not w.procs[slot].alive:
            return w
        w = self.kernel.exit_process(w, slot)
        for provider in self.providers:
            w = provider.on_process_exit(self, w, slot)
        return w

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
        if info is None:
            w, result = provider.socket(self, w, slot, call)
        else:
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
        if isinstance(call, WSPConnect):
            return provider.connect(self, w, slot, d)
        if isinstance(call, WSPSend):
            return provider.send(self, w, slot, d)
        if isinstance(call, WSPRecv):
            return provider.recv(self, w, slot, d)
        if isinstance(call, WSPSetSockOpt):
            return provider.setsockopt(self, w, slot, d, call.option, call.value)
        if isinstance(call, WSPGetSockOpt):
            return provider.getsockopt(self, w, slot, d, call.option)
        if isinstance(call, WSPEventSelect):
            return provider.event_select(self, w, slot, d, call.mask)
        if isinstance(call, WSPDuplicateSocket):
            return provider.duplicate(self, w, slot, d, call.pid)
        w, result = provider.close(self, w, slot, d)
        if result.ok:
            w = self._retire(w, slot, call.s)
        return w, result

    # --- ghost bookkeeping for the properties -------------------------------------------------
    def _issue(self, w: World, slot: int, value: int) -> World:
        proc = w.procs[slot]
        issued = tuple(sorted({*proc.issued, value}))
        return w._replace(procs=replace_at(w.procs, slot, proc._replace(issued=issued)))

    def _retire(self, w: World, slot: int, value: int) -> World:
        proc = w.procs[slot]
        issued = tuple(v for v in proc.issued if v != value)
        return w._replace(procs=replace_at(w.procs, slot, proc._replace(issued=issued)))
