"""The non-IFS base provider (M4): descriptors come from the switch, duplication is its own.

The provider keeps cross-process share records (token -> socket, intended pid) and puts the token
in ``dwProviderReserved``.  When it takes the reference for the target is the design choice M4
asks to keep expressible: at duplication (the record holds a reference until it is claimed or its
target exits) or at claim (nothing holds the socket open for the target in between, so a source
that closes early closes the socket under the target's feet).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from enum import Enum
from typing import TYPE_CHECKING, NamedTuple

from wspshare.models.calls import WSPSocket
from wspshare.models.errors import WSAError
from wspshare.models.providers.base import PendingClaim, Provider, Rename, kind_of
from wspshare.models.records import fast_replace
from wspshare.models.state import Handle, ProtocolInfo, Result, SocketStatus, World, fail

if TYPE_CHECKING:
    from wspshare.models.semantics import Semantics


class RefTiming(Enum):
    AT_DUPLICATE = "duplicate"
    AT_CLAIM = "claim"


@fast_replace
class Share(NamedTuple):
    token: int
    sock: int
    target_pid: int
    holds_ref: bool


@fast_replace
class NonIfsState(NamedTuple):
    next_token: int  # tokens are never reused, so a stale info cannot name a newer share
    shares: tuple[Share, ...]  # sorted by token


class NonIfsProvider(Provider):
    name = "non-ifs"
    catalog_id = 1002
    service_flags1 = 0
    SYMMETRIC = True  # its share records name processes by pid only, renamed below

    def __init__(
        self,
        name: str | None = None,
        catalog_id: int | None = None,
        ref_timing: RefTiming = RefTiming.AT_DUPLICATE,
    ) -> None:
        super().__init__(name, catalog_id)
        self.ref_timing = ref_timing

    def initial_state(self) -> NonIfsState:
        return NonIfsState(1, ())

    def state(self, sem: Semantics, w: World) -> NonIfsState:
        st = sem.provider_state(w, self)
        assert isinstance(st, NonIfsState)
        return st

    def pending_claims(self, state: object) -> Iterable[PendingClaim]:
        assert isinstance(state, NonIfsState)
        return (PendingClaim(s.sock, s.target_pid, s.holds_ref) for s in state.shares)

    def renamed(self, state: Hashable, rename: Rename) -> Hashable:
        """A share record names its target by pid; nothing else here names a process."""
        assert isinstance(state, NonIfsState)
        if not state.shares:
            return state
        shares = tuple(sh._replace(target_pid=rename(sh.target_pid)) for sh in state.shares)
        return state._replace(shares=shares)

    def refs_to(self, state: Hashable, pid: int) -> tuple[object, ...]:
        assert isinstance(state, NonIfsState)
        return tuple(
            (sh.token, sh.sock, sh.holds_ref) for sh in state.shares if sh.target_pid == pid
        )

    # --- SPI ---------------------------------------------------------------------------------
    def socket(self, sem: Semantics, w: World, slot: int, call: WSPSocket) -> tuple[World, Result]:
        error = self.supports(call)
        if error:
            return w, fail(error)
        return self.create(sem, w, slot, kind_of(call))

    def new_descriptor(
        self, sem: Semantics, w: World, slot: int, index: int
    ) -> tuple[World, Result]:
        """R4: every descriptor of a non-IFS provider comes from WPUCreateSocketHandle."""
        return sem.switch.create_socket_handle(w, slot, self.catalog_id, index)

    def socket_of(self, sem: Semantics, w: World, slot: int, d: Handle) -> int | None:
        context = sem.switch.query_socket_handle_context(w, slot, d.value)
        return context.value if isinstance(context.value, int) else None

    def duplicate(
        self, sem: Semantics, w: World, slot: int, d: Handle, pid: int
    ) -> tuple[World, Result]:
        if sem.kernel.live_slot(w, pid) is None:
            return w, fail(WSAError.WSAEINVAL)
        index = self.socket_of(sem, w, slot, d)
        if index is None:
            return w, fail(WSAError.WSAENOTSOCK)
        st = self.state(sem, w)
        holds = self.ref_timing is RefTiming.AT_DUPLICATE
        share = Share(st.next_token, index, pid, holds)
        w = sem.with_provider_state(w, self, NonIfsState(st.next_token + 1, (*st.shares, share)))
        if holds:
            w = sem.kernel.add_ref(w, index)
        info = self.protocol_info(share.token, w.sockets[index].kind)
        return w, Result(WSAError.NO_ERROR, info)

    def find_share(self, st: NonIfsState, token: int) -> Share | None:
        return next((s for s in st.shares if s.token == token), None)

    def socket_from_info(
        self, sem: Semantics, w: World, slot: int, info: ProtocolInfo
    ) -> tuple[World, Result]:
        error = self.supports(info)
        if error:
            return w, fail(error)
        st = self.state(sem, w)
        share = self.find_share(st, info.provider_reserved)
        if share is None or not self.may_claim(share, w.procs[slot].pid):
            return w, fail(WSAError.WSAEINVAL)  # R2 and "no access for strangers"
        if not self.same_kind(w.sockets[share.sock], info):
            return w, fail(WSAError.WSAEINVAL)  # the info's kind overridden by another (R12)
        if w.sockets[share.sock].status is SocketStatus.CLOSED:
            # The socket went before the claim (a premature close): the record is useless now.
            return self.consume(sem, w, st, share), fail(WSAError.WSAEINVAL)
        w1, result = sem.switch.create_socket_handle(w, slot, self.catalog_id, share.sock)
        if not result.ok:
            return w, result
        return self.consume(sem, w1, st, share), result

    def may_claim(self, share: Share, pid: int) -> bool:
        return share.target_pid == pid

    def consume(self, sem: Semantics, w: World, st: NonIfsState, share: Share) -> World:
        """R2: the record goes with its claim; its reference passes to the new descriptor."""
        shares = tuple(s for s in st.shares if s.token != share.token)
        w = sem.with_provider_state(w, self, st._replace(shares=shares))
        return sem.kernel.drop_ref(w, share.sock) if share.holds_ref else w

    def close(self, sem: Semantics, w: World, slot: int, d: Handle) -> tuple[World, Result]:
        return sem.switch.close_socket_handle(w, slot, d.value)

    def on_process_exit(self, sem: Semantics, w: World, slot: int) -> World:
        """The provider's service forgets shares meant for an exited target, so a process that
        later gets the same pid cannot claim them, and their references are released."""
        pid = w.procs[slot].pid
        if sem.kernel.live_slot(w, pid) is not None:
            return w
        st = self.state(sem, w)
        dead = [s for s in st.shares if s.target_pid == pid]
        if not dead:
            return w
        keep = tuple(s for s in st.shares if s.target_pid != pid)
        w = sem.with_provider_state(w, self, st._replace(shares=keep))
        for share in dead:
            if share.holds_ref:
                w = sem.kernel.drop_ref(w, share.sock)
        return w
