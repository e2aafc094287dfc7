"""The sweep on Dask's scheduler reports exactly what the local sweep reports."""

from __future__ import annotations

import pytest
from wspshare.models.scenario import ScenarioConfig
from wspshare.sim.config import SimConfig
from wspshare.sim.montecarlo import sweep

distributed = pytest.importorskip("distributed")


def test_local_cluster_gives_the_same_report_as_local_processes() -> None:
    from wspshare.sim.cluster import sweep_on

    config = SimConfig(ScenarioConfig(provider="non-ifs-claim", ack=False))
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = sweep_on(client, config, 2000, first_seed=3, batch=250)
    local = sweep(config, 2000, first_seed=3, workers=2)
    assert remote == local
    assert remote.count("no-premature-close") > 0
