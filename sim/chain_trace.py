"""Who calls whom inside one SPI call: the links of a protocol chain as a list of calls (R16).

``traced(sem)`` gives a machine that behaves exactly as ``sem`` and records, in order, every call
that crosses from one party to another: the client's call into the top of its chain, each layer's
call into the next provider, and every provider's upcall to the switch (``WPUCreateSocketHandle``,
``WPUModifyIFSHandle`` ...), each with what it returned.  A call a provider makes on itself is
its own business and is not recorded.  The sequence diagram with one lifeline per layer
(``sim.chain_diagram``) is drawn from this list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from wspshare.models.providers import Provider
from wspshare.models.semantics import Semantics
from wspshare.models.state import Result
from wspshare.models.switch import Switch

SWITCH = "switch"
PROVIDER_CALLS = (
    "socket", "socket_from_info", "duplicate", "close", "connect", "send", "recv",
    "setsockopt", "getsockopt", "event_select", "bind", "listen", "accept", "sendto",
    "recvfrom", "shutdown", "new_descriptor",
)  # fmt: skip
UPCALLS = {
    "create_socket_handle": "WPUCreateSocketHandle",
    "modify_ifs_handle": "WPUModifyIFSHandle",
    "take_over_ifs_handle": "WPUModifyIFSHandle",
    "close_socket_handle": "WPUCloseSocketHandle",
    "query_socket_handle_context": "WPUQuerySocketHandleContext",
}
SPI_NAMES = {
    "socket": "WSPSocket", "socket_from_info": "WSPSocket(info)",
    "duplicate": "WSPDuplicateSocket", "close": "WSPCloseSocket", "connect": "WSPConnect",
    "send": "WSPSend", "recv": "WSPRecv", "setsockopt": "WSPSetSockOpt",
    "getsockopt": "WSPGetSockOpt", "event_select": "WSPEventSelect", "bind": "WSPBind",
    "listen": "WSPListen", "accept": "WSPAccept", "sendto": "WSPSendTo",
    "recvfrom": "WSPRecvFrom", "shutdown": "WSPShutdown", "new_descriptor": "new descriptor",
}  # fmt: skip


@dataclass(frozen=True)
class ChainCall:
    """One crossing: ``caller`` called ``callee``'s ``call``, which answered ``result``."""

    caller: str
    callee: str
    call: str
    result: str


@dataclass
class ChainLog:
    """The calls recorded so far, and who is running now (the innermost party first)."""

    calls: list[ChainCall] = field(default_factory=list)
    running: list[str] = field(default_factory=list)
    client: str = "client"

    def enter(self, callee: str, call: str, run: Callable[[], Any]) -> Any:
        """Record the call where it starts (the diagram's order), its result when it returns."""
        caller = self.running[-1] if self.running else self.client
        index = len(self.calls)
        self.calls.append(ChainCall(caller, callee, call, ""))
        self.running.append(callee)
        try:
            out = run()
        finally:
            self.running.pop()
        value = out[1] if isinstance(out, tuple) else out
        self.calls[index] = replace(self.calls[index], result="" if value is None else str(value))
        return out


class _Recording:
    """A provider seen through the log: the same object to every comparison and lookup."""

    def __init__(self, inner: Provider, log: ChainLog) -> None:
        self._inner = inner
        self._log = log

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if name not in PROVIDER_CALLS:
            return attr

        def call(*args: Any) -> Any:
            return self._log.enter(self._inner.name, SPI_NAMES[name], lambda: attr(*args))

        return call

    def __eq__(self, other: object) -> bool:
        return other is self or other is self._inner

    def __hash__(self) -> int:
        return hash(self._inner)


def traced(sem: Semantics) -> tuple[Semantics, ChainLog]:
    """A machine that behaves as ``sem`` and records every crossing in the returned log."""
    log = ChainLog()
    base_switch = sem.switch_type

    class RecordingSwitch(base_switch):  # type: ignore[valid-type, misc]
        pass

    for method, label in UPCALLS.items():
        original = getattr(base_switch, method)

        def upcall(self: Switch, *args: Any, _o: Any = original, _l: str = label) -> Any:
            return log.enter(SWITCH, _l, lambda: _o(self, *args))

        setattr(RecordingSwitch, method, upcall)
    providers = tuple(_Recording(p, log) for p in sem.providers)
    machine = replace(sem, providers=providers, switch_type=RecordingSwitch)  # type: ignore[arg-type]
    return machine, log


def client_call(log: ChainLog, client: str) -> None:
    """Name the process whose calls come next (a lifeline of its own)."""
    log.client = client


__all__ = ["SWITCH", "ChainCall", "ChainLog", "Result", "client_call", "traced"]
