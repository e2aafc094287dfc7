"""The same Monte Carlo sweep on Dask's distributed scheduler (the ``wspshare[cluster]`` extra).

Seeds are cut into the same batches as a local sweep; each batch is one task; tallies stream
back as tasks finish and merge into the same order-independent report, so for the same seeds the
report equals the local one.  Point it at a running scheduler::

    dask scheduler                                  # on one machine: prints tcp://HOST:8786
    dask worker tcp://HOST:8786 --nthreads 1        # on each machine, once per core
    wspshare simulate --runs 100000 --scheduler tcp://HOST:8786

Workers need wspshare installed (same version) to import the tasks.
"""

from __future__ import annotations

from typing import Any

from wspshare.models.errors import ModelError
from wspshare.sim.config import SimConfig
from wspshare.sim.montecarlo import Progress, SweepReport, Tally, batches, run_batch


def sweep_on(
    scheduler: str | Any,
    config: SimConfig,
    runs: int,
    first_seed: int = 0,
    batch: int = 250,
    progress: Progress | None = None,
    partial_on_interrupt: bool = False,
) -> SweepReport:
    """Run the sweep on a Dask cluster: ``scheduler`` is its address or a ``Client``."""
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise ModelError("--scheduler needs Dask: pip install 'wspshare[cluster]'") from None
    own = isinstance(scheduler, str)
    client: Any
    try:
        client = Client(scheduler, timeout="10s") if own else scheduler  # type: ignore[no-untyped-call]
    except OSError as err:
        raise ModelError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
    try:
        parts = list(batches(first_seed, runs, batch))
        futures = client.map(
            run_batch,
            [config] * len(parts),
            [a for a, _ in parts],
            [b for _, b in parts],
            pure=False,
        )
        tally = Tally()
        try:
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                part: Tally = future.result()
                tally.merge(part)
                if progress is not None:
                    progress(part.runs)
        except KeyboardInterrupt:  # Ctrl-C: cancel what is left, report what is done
            client.cancel(futures)
            if not partial_on_interrupt:
                raise
            return SweepReport.of(config, first_seed, tally, interrupted=True)
        return SweepReport.of(config, first_seed, tally)
    finally:
        if own:
            client.close()
