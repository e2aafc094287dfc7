"""The split search on a Dask ``LocalCluster`` of worker processes (each with its own hash seed,
hence portable fingerprints) gives the counts, verdicts and paths of a one-process search."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from wspshare.properties.checker import check
from wspshare.properties.checker.split import parallel_check
from wspshare.properties.configs import Switches, model_for

from tests.checker.test_checker_split import same

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


@pytest.mark.parametrize(
    "switches",
    [Switches(crash=1, lose=1, stranger=True), Switches(provider="non-ifs-claim", ack=False)],
    ids=["all-hold-with-liveness", "premature-close"],
)
def test_a_local_cluster_gives_the_one_process_answer(client: Any, switches: Switches) -> None:
    make = partial(model_for, "handoff", switches)
    on_cluster = parallel_check(make(), client=client, make_model=make)
    same(on_cluster, check(make()))


def test_a_cluster_search_can_use_more_shares_than_workers(client: Any) -> None:
    make = partial(model_for, "fanout", Switches(provider="non-ifs-claim", ack=False))
    same(parallel_check(make(), client=client, make_model=make, workers=3), check(make()))
