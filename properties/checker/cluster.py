"""The shares of a split search as Dask actors, one per worker, on a ``distributed`` cluster.

Each actor builds its own model from a picklable factory (a model's properties are closures,
which only cloudpickle could carry, and a factory is smaller) and fingerprints states with
``PortableFingerprint``, since the workers are separate processes with their own hash seeds.
Batches of states go from share to share through the client as bytes.  Dask is imported only
here, and only when a cluster is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from wspshare.models.protocol import Model

from .partition import Partition
from .portable import PortableFingerprint


class RemotePartition(Partition[Any, Any]):
    """A ``Partition`` that makes its model where it runs."""

    def __init__(
        self, make_model: Callable[[], Model[Any, Any]], index: int, count: int, **options: Any
    ) -> None:
        super().__init__(
            make_model(), index, count, fingerprint=PortableFingerprint(), **options
        )


class DaskShares:
    """``count`` shares (default: one per worker) as actors spread over the cluster's workers."""

    def __init__(
        self,
        client: Any,
        make_model: Callable[[], Model[Any, Any]],
        count: int | None = None,
        **options: Any,
    ) -> None:
        workers = sorted(client.scheduler_info()["workers"])
        if not workers:
            raise RuntimeError("the Dask cluster has no workers")
        self.count = count or len(workers)
        futures = [
            client.submit(
                RemotePartition,
                make_model,
                index,
                self.count,
                **options,
                workers=[workers[index % len(workers)]],
                actor=True,
                pure=False,
            )
            for index in range(self.count)
        ]
        self._futures = futures
        self._actors = [future.result() for future in futures]

    def call(self, method: str, args: Sequence[tuple[Any, ...]]) -> list[Any]:
        pending = [getattr(actor, method)(*a) for actor, a in zip(self._actors, args, strict=True)]
        try:
            return [future.result() for future in pending]
        except KeyboardInterrupt:
            for future in pending:  # let every share finish its step before a rollback
                future.result()
            raise

    def abort(self) -> None:
        """Actors run each call to its end; an interrupted level is rolled back afterwards."""

    def close(self) -> None:
        for future in self._futures:
            future.release()
        self._actors, self._futures = [], []
