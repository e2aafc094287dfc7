"""Swarm: diversified random-walk jobs over workers find seeded bugs, prove nothing, and answer
the same whatever the number of workers."""

from __future__ import annotations

from wspshare.properties.checker import Verdict
from wspshare.properties.checker.swarm import jobs, swarm
from wspshare.properties.configs import Switches, model_for

from tests.checker.checker_toys import LostUpdate


def test_jobs_differ_in_seed_and_depth_and_share_the_walks() -> None:
    todo = jobs(walks=100, depth=40, seed=7)
    assert sum(j.walks for j in todo) == 100
    assert len({j.seed for j in todo}) == len(todo) and {j.depth for j in todo} == {10, 20, 30, 40}


def test_the_swarm_finds_the_lost_update_and_decides_nothing_else() -> None:
    result = swarm(LostUpdate(3), workers=2, walks=64, depth=20)
    assert result["no lost update"].verdict is Verdict.VIOLATED
    assert result["finishes"].verdict is Verdict.UNKNOWN and not result.complete


def test_the_premature_close_is_found_and_the_answer_does_not_depend_on_the_workers() -> None:
    model = model_for("fanout", Switches(provider="non-ifs-claim", ack=False))
    one, two = (swarm(model, workers=w, walks=200, depth=60, seed=3) for w in (1, 2))
    found = one["no-premature-close"]
    assert found.verdict is Verdict.VIOLATED and found.path is not None
    assert found.path == two["no-premature-close"].path
    assert [r.verdict for r in one.properties] == [r.verdict for r in two.properties]
