"""The explorer's HTTP interface, through Flask's test client: each move answers with the view
of the state it leads to, links of fingerprints rebuild paths, a counterexample file opens in
its own configuration, and bad requests get a sentence and a 4xx status, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from wspshare.models.scenario.schedule import seed_order_run
from wspshare.properties.configs import Switches, model_for

from wspshare.cli import main
from wspshare.explorer.app import create_app
from wspshare.explorer.models import Models

SEED = seed_order_run(model_for("handoff"))


@pytest.fixture
def client() -> FlaskClient:
    return create_app(Models(model_for("handoff"), "handoff")).test_client()


def post(client: FlaskClient, **body: Any) -> tuple[int, dict[str, Any]]:
    response = client.post("/api/session", json=body)
    return response.status_code, response.get_json()


def take(client: FlaskClient, view: dict[str, Any], label: str) -> dict[str, Any]:
    index = next(a["index"] for a in view["actions"] if a["label"] == label)
    path = [p["fingerprint"] for p in view["path"]]
    status, after = post(
        client, model=view["model"], path=path, at=view["cursor"], op="take", arg=index
    )
    assert status == 200, after
    return after


@pytest.fixture(scope="module")
def counterexample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("cx") / "cx.json"
    code = main(
        ["check", "witness", "--variant", "close-before-claim", "--counterexample", str(target)]
    )
    assert code == 1 and target.exists()
    return target


def test_the_page_is_served(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and b"wspshare explorer" in response.data


def test_a_fresh_view_is_the_initial_state(client: FlaskClient) -> None:
    status, view = post(client, op="view")
    assert status == 200 and view["cursor"] == 0 and view["model"] == "handoff"
    assert [a["label"] for a in view["actions"]] == [str(SEED[0].action)]
    assert [p["name"] for p in view["state"]["processes"]] == ["source(100)", "target1(104)"]
    assert view["state"]["sockets"] == []


def test_the_seed_run_shows_the_models_reference_counts(client: FlaskClient) -> None:
    _, view = post(client, op="view")
    for n, event in enumerate(SEED, start=1):
        view = take(client, view, str(event.action))
        assert view["cursor"] == n
        shown = [(s["refs"], s["status"]) for s in view["state"]["sockets"]]
        assert shown == [(s.refs, s.status.name) for s in event.state.world.sockets]
    assert view["state"]["final"] and view["actions"] == []
    assert all(p["holds"] for p in view["properties"])


def test_the_view_shows_a_message_in_the_pipe_and_a_pending_handle(client: FlaskClient) -> None:
    _, view = post(client, op="view")
    for event in SEED[:10]:  # up to "send INFO": the IFS handle is duplicated, not yet claimed
        view = take(client, view, str(event.action))
    down = view["state"]["pipes"][0]["queues"][0]
    assert down["direction"] == "DOWN" and down["inbox"] == ["INFO(info(cat=1001,IFS,rsv=4))"]
    target = view["state"]["processes"][1]
    assert [(h["value"], h["kind"]) for h in target["handles"]] == [(4, "PENDING")]


def test_back_keeps_the_path_and_forward_returns(client: FlaskClient) -> None:
    _, view = post(client, op="view")
    for event in SEED[:4]:
        view = take(client, view, str(event.action))
    path = [p["fingerprint"] for p in view["path"]]
    _, back = post(client, model="handoff", path=path, at=4, op="back")
    assert back["cursor"] == 3 and len(back["path"]) == 5 and back["link"] == path[:4]
    _, forward = post(client, model="handoff", path=path, at=3, op="forward")
    assert forward["cursor"] == 4
    _, jumped = post(client, model="handoff", path=path, op="jump", arg=1)
    assert jumped["cursor"] == 1
    _, again = post(client, model="handoff", path=path, op="restart")
    assert again["cursor"] == 0 and len(again["path"]) == 1


def test_a_link_rebuilds_its_path(client: FlaskClient) -> None:
    _, view = post(client, op="view")
    for event in SEED[:6]:
        view = take(client, view, str(event.action))
    status, rebuilt = post(client, model="handoff", path=view["link"])
    assert status == 200 and rebuilt["path"] == view["path"] and rebuilt["cursor"] == 6


def test_an_unknown_fingerprint_is_a_404_with_a_sentence(client: FlaskClient) -> None:
    _, view = post(client, op="view")
    status, answer = post(client, path=[view["link"][0], "00000000deadbeef"])
    assert status == 404 and "00000000deadbeef" in answer["error"]
    assert "step 1" in answer["error"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"op": "fly"}, "no move named"),
        ({"op": "take", "arg": 7}, "no action 7"),
        ({"op": "take"}, "whole number"),
        ({"op": "jump", "arg": 3}, "no step 3"),
        ({"path": "abc"}, "list of fingerprints"),
        ({"model": "no-such-config"}, "no configuration named"),
        ({"model": "handoff --variant nonsense"}, "nonsense"),
        ({"model": "handoff --targets 2"}, "fanout"),
    ],
)
def test_a_bad_move_is_a_400_with_a_sentence(
    client: FlaskClient, body: dict[str, Any], words: str
) -> None:
    status, answer = post(client, **body)
    assert status == 400 and words in answer["error"]


def test_a_counterexample_opens_in_its_own_configuration_with_the_property_violated(
    client: FlaskClient, counterexample: Path
) -> None:
    response = client.post("/api/load", json={"text": counterexample.read_text()})
    assert response.status_code == 200
    view = response.get_json()
    assert view["model"] == "witness --variant close-before-claim"
    data = json.loads(counterexample.read_text())
    assert view["cursor"] == len(data["steps"]) - 1
    verdicts = {p["name"]: p for p in view["properties"]}
    assert verdicts[data["property"]]["verdict"] == "violated"
    assert verdicts[data["property"]]["first_violation"] == view["cursor"]
    assert verdicts["reference-count"]["verdict"] == "holds"


def test_a_file_that_is_no_counterexample_is_a_400(client: FlaskClient) -> None:
    for text in ("not json", "[1, 2]", json.dumps({"steps": [{"action": "init", "state": "x"}]})):
        response = client.post("/api/load", json={"text": text})
        assert response.status_code == 400 and response.get_json()["error"]


def test_the_path_json_reads_back_in_the_explorer(client: FlaskClient) -> None:
    _, view = post(client, op="view")
    for event in SEED[:5]:
        view = take(client, view, str(event.action))
    response = client.get("/api/path.json", query_string={"path": ".".join(view["link"])})
    data = response.get_json()
    assert data["config"] == "handoff" and len(data["steps"]) == 6
    assert [s["action"] for s in data["steps"][1:]] == [str(e.action) for e in SEED[:5]]
    loaded = client.post("/api/load", json={"text": json.dumps(data)}).get_json()
    assert loaded["link"] == view["link"]


def test_the_diagram_is_an_svg_that_grows_with_the_path(client: FlaskClient) -> None:
    _, view = post(client, op="view")
    sizes = []
    for event in SEED[:3]:
        view = take(client, view, str(event.action))
        response = client.get("/api/diagram.svg", query_string={"path": ".".join(view["link"])})
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.data.lstrip().startswith(b"<?xml")
        sizes.append(len(response.data))
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_the_start_is_the_counterexample_given_on_the_command_line(counterexample: Path) -> None:
    from wspshare.explorer.counterexample import open_counterexample

    models = Models(model_for("handoff"), "handoff")
    name, session = open_counterexample(models, counterexample.read_text())
    app = create_app(models, (name, session.fingerprints()))
    start = app.test_client().get("/api/start").get_json()
    assert start == {"model": name, "path": session.fingerprints()}


def test_a_model_from_python_gets_the_specs_properties() -> None:
    from wspshare.models.scenario import HandoffModel

    models = Models(HandoffModel())
    client = create_app(models).test_client()
    _, view = post(client, op="view")
    assert view["model"] == "" and len(view["properties"]) == len(
        model_for("handoff", Switches()).properties()
    )


def test_faults_are_offered_within_their_budget_and_shown_when_taken() -> None:
    models = Models(model_for("handoff", Switches(crash=1)), "handoff --crash 1")
    client = create_app(models).test_client()
    _, view = post(client, op="view")
    assert view["state"]["budget"]["crash"] == 1
    crashes = [a for a in view["actions"] if a["kind"] == "fault"]
    assert [a["label"] for a in crashes] == ["fault: P0 crashes", "fault: P1 crashes"]
    after = take(client, view, "fault: P1 crashes")
    target = after["state"]["processes"][1]
    assert not target["alive"] and after["state"]["faulted"]
    assert after["state"]["budget"]["crash"] == 0
    assert not [a for a in after["actions"] if a["kind"] == "fault"]
