"""A bounded symbolic world: the variables of the twin, named after ``models.state``.

Handle tables are P x H cells (value ``4 + 4*j`` in cell j, M1); a cell is present or not and has
the ``Handle`` fields kind, obj, catalog.  Sockets are S cells of which the first ``nsocks`` exist
(``World.sockets`` grows by appending).  Each non-IFS provider has K share-record cells (records are
a set; the Python tuple is sorted by token, the twin keeps them in any cell).  Ghost fields:
``issued`` (as in ``Process.issued``; ``issued_out`` flags a value outside the table), and per
share the slot the record was made for (``intended``) and, per world, whether a claim ever went
to a stranger or a share was claimed twice (``stranger``, ``reclaimed``).

The layers of a protocol chain keep a context per descriptor, held only when ``Bounds.layers``
is positive (``properties.smt.layers``), the same way.

The state the calls beyond the seed need (R12, R15: a socket's kind, port, backlog, connection or
datagram queue, shutdown bits, delivered network events) exists only when ``Bounds.queue`` is
positive; otherwise those fields are empty lists, so the seed's proofs build the very same terms
as before they existed (``properties.smt.endpoints``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import z3

PENDING, IFS, WPU, PROCESS = 0, 1, 2, 3  # models.state.HandleKind
CREATED, CONNECTED, CLOSED, LISTENING = 0, 1, 2, 3  # models.state.SocketStatus
IFS_CATALOG = 1001
NONIFS_CATALOGS = (1002, 1003)
HOLDS_AT_DUPLICATE = {1002: True, 1003: False}  # M4: when the provider takes its reference
OPTIONS = (0x0008, 0x1001, 0x1002)  # models.calls.KNOWN_OPTIONS


@dataclass(frozen=True)
class Bounds:
    procs: int = 3
    threads: int = 2
    handles: int = 8
    sockets: int = 2
    shares: int = 2
    queue: int = 0  # cells of each socket's queue and taken ghost; 0: no endpoint calls
    layers: int = 0  # layered providers of a protocol chain (``properties.smt.layers``); 0: none

    def __str__(self) -> str:
        text = (
            f"{self.procs} processes x {self.threads} threads, {self.handles} handle values, "
            f"{self.sockets} sockets, {self.shares} shares per non-IFS provider"
        )
        text += f", {self.queue} queue cells per socket" if self.queue else ""
        return text + (f", {self.layers} layers" if self.layers else "")


def value_of(j: int) -> int:
    """M1: the handle value stored in cell ``j``."""
    return 4 + 4 * j


@dataclass(frozen=True)
class Shares:
    """One non-IFS provider's state (``NonIfsState``): a token counter and K record cells."""

    next_token: Any
    present: list[Any]
    token: list[Any]
    sock: list[Any]
    pid: list[Any]
    holds: list[Any]
    intended: list[Any]  # ghost: the slot that had ``pid`` when the record was made
    claimed: list[Any]  # ghost: the record already yielded a descriptor


@dataclass(frozen=True)
class SymState:
    nprocs: Any
    alive: list[Any]
    pid: list[Any]
    threads: list[Any]
    fail_next: list[Any]
    hp: list[list[Any]]  # handle present
    hk: list[list[Any]]  # kind
    ho: list[list[Any]]  # obj
    hc: list[list[Any]]  # catalog
    issued: list[list[Any]]
    issued_out: list[Any]
    nsocks: Any
    scat: list[Any]
    refs: list[Any]
    status: list[Any]
    options: list[Any]  # z3 array key -> value per socket (default 0, as getsockopt reads it)
    nev: list[Any]  # number of event registrations
    ev_pid: list[Any]
    ev_desc: list[Any]
    ev_mask: list[Any]
    sent: list[Any]
    inbox: list[Any]
    last_opt: list[Any]
    last_val: list[Any]
    shares: tuple[Shares, ...]  # one per NONIFS_CATALOGS entry
    stranger: Any  # ghost: a share was claimed by a process it was not made for
    reclaimed: Any  # ghost: a share yielded a second descriptor (R2)
    # Beyond the seed, per socket (``Sock``'s fields of the same names); empty when the bounds
    # have no queue.  The protocol is the type's one (``models.params``), so it is not stored.
    family: list[Any] = field(default_factory=list)
    stype: list[Any] = field(default_factory=list)
    port: list[Any] = field(default_factory=list)
    backlog: list[Any] = field(default_factory=list)
    qlen: list[Any] = field(default_factory=list)
    queue: list[list[Any]] = field(default_factory=list)  # cells 0..qlen-1 are the queue
    ntaken: list[Any] = field(default_factory=list)
    taken: list[list[Any]] = field(default_factory=list)  # ghost: what was taken off the queue
    origin: list[Any] = field(default_factory=list)
    shut: list[Any] = field(default_factory=list)
    signalled: list[Any] = field(default_factory=list)
    # Per layer of a protocol chain, per handle cell (slot, value): whether the layer keeps a
    # context for its descriptor there, and the next provider's descriptor behind it.  Empty
    # when the bounds have no layers.
    ctx: list[list[list[Any]]] = field(default_factory=list)
    ctx_lower: list[list[list[Any]]] = field(default_factory=list)

    def with_(self, **changes: Any) -> SymState:
        return replace(self, **changes)


def fresh(b: Bounds, tag: str) -> SymState:
    """A state of free variables named ``<field>_<tag>...``."""

    def ints(name: str, n: int) -> list[Any]:
        return [z3.Int(f"{name}_{tag}_{i}") for i in range(n)]

    def bools(name: str, n: int) -> list[Any]:
        return [z3.Bool(f"{name}_{tag}_{i}") for i in range(n)]

    def grid(name: str, make: Any) -> list[list[Any]]:
        return [make(f"{name}_{tag}_{i}", b.handles) for i in range(b.procs)]

    def gi(name: str, n: int) -> list[Any]:
        return [z3.Int(f"{name}_{j}") for j in range(n)]

    def gb(name: str, n: int) -> list[Any]:
        return [z3.Bool(f"{name}_{j}") for j in range(n)]

    shares = tuple(
        Shares(
            z3.Int(f"next_token_{tag}_{c}"),
            bools(f"sp{c}", b.shares),
            ints(f"stok{c}", b.shares),
            ints(f"ssock{c}", b.shares),
            ints(f"spid{c}", b.shares),
            bools(f"sholds{c}", b.shares),
            ints(f"sint{c}", b.shares),
            bools(f"sclaimed{c}", b.shares),
        )
        for c in NONIFS_CATALOGS
    )
    return SymState(
        nprocs=z3.Int(f"nprocs_{tag}"),
        alive=bools("alive", b.procs),
        pid=ints("pid", b.procs),
        threads=ints("threads", b.procs),
        fail_next=ints("fail", b.procs),
        hp=grid("hp", gb),
        hk=grid("hk", gi),
        ho=grid("ho", gi),
        hc=grid("hc", gi),
        issued=grid("issued", gb),
        issued_out=bools("issued_out", b.procs),
        nsocks=z3.Int(f"nsocks_{tag}"),
        scat=ints("scat", b.sockets),
        refs=ints("refs", b.sockets),
        status=ints("status", b.sockets),
        options=[z3.Array(f"opts_{tag}_{k}", z3.IntSort(), z3.IntSort()) for k in range(b.sockets)],
        nev=ints("nev", b.sockets),
        ev_pid=ints("evpid", b.sockets),
        ev_desc=ints("evdesc", b.sockets),
        ev_mask=ints("evmask", b.sockets),
        sent=ints("sent", b.sockets),
        inbox=ints("inbox", b.sockets),
        last_opt=ints("lastopt", b.sockets),
        last_val=ints("lastval", b.sockets),
        shares=shares,
        stranger=z3.Bool(f"stranger_{tag}"),
        reclaimed=z3.Bool(f"reclaimed_{tag}"),
        **endpoint_fields(b, tag),
        **layer_fields(b, tag),
    )


def layer_fields(b: Bounds, tag: str) -> dict[str, Any]:
    """The free variables of the layers' contexts (none when ``b.layers`` is 0)."""

    def grid(name: str, make: Any) -> list[list[list[Any]]]:
        return [
            [[make(f"{name}_{tag}_{n}_{i}_{j}") for j in range(b.handles)] for i in range(b.procs)]
            for n in range(b.layers)
        ]

    if not b.layers:
        return {}
    return {"ctx": grid("ctx", z3.Bool), "ctx_lower": grid("ctxlow", z3.Int)}


def endpoint_fields(b: Bounds, tag: str) -> dict[str, Any]:
    """The free variables of the endpoint state (none when ``b.queue`` is 0)."""
    n = b.sockets if b.queue else 0

    def ints(name: str) -> list[Any]:
        return [z3.Int(f"{name}_{tag}_{k}") for k in range(n)]

    def cells(name: str) -> list[list[Any]]:
        return [[z3.Int(f"{name}_{tag}_{k}_{c}") for c in range(b.queue)] for k in range(n)]

    names = ("family", "stype", "port", "backlog", "qlen", "ntaken", "origin", "shut")
    out: dict[str, Any] = {name: ints(name) for name in names}
    out["signalled"] = ints("signalled")
    out["queue"], out["taken"] = cells("queue"), cells("taken")
    return out


def ite(c: Any, a: Any, b: Any) -> Any:
    """Field-wise ``If(c, a, b)`` over states, share tables, lists and terms."""
    if isinstance(a, SymState | Shares):
        return type(a)(
            **{f.name: ite(c, getattr(a, f.name), getattr(b, f.name)) for f in fields(a)}
        )
    if isinstance(a, list | tuple):
        out = [ite(c, x, y) for x, y in zip(a, b, strict=True)]
        return tuple(out) if isinstance(a, tuple) else out
    if a is b:
        return a
    return z3.If(c, a, b)


def flat(s: SymState) -> list[Any]:
    """Every term of a state, in a fixed order (for equalities between states)."""
    out: list[Any] = []

    def walk(x: Any) -> None:
        if isinstance(x, SymState | Shares):
            for f in fields(x):
                walk(getattr(x, f.name))
        elif isinstance(x, list | tuple):
            for y in x:
                walk(y)
        else:
            out.append(x)

    walk(s)
    return out


def pick(items: list[Any], index: Any, default: Any) -> Any:
    """``items[index]`` for a symbolic index (``default`` when out of range)."""
    out = default
    for i in reversed(range(len(items))):
        out = z3.If(index == i, items[i], out)
    return out


def put(items: list[Any], index: Any, value: Any) -> list[Any]:
    """``items`` with ``items[index] = value`` for a symbolic index."""
    return [z3.If(index == i, value, x) for i, x in enumerate(items)]
