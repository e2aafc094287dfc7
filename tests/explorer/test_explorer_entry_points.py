"""How the explorer is reached: ``wspshare.explore(model)`` in a notebook, without making
``import wspshare`` load the web stack, and the command's switches, which are the check
command's own."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from wspshare.models.scenario import HandoffModel, ScenarioConfig
from wspshare.properties.configs import Switches

from wspshare.commands import check
from wspshare.explorer.switches import add_switch_options, parse_switches, switches_from


def test_import_wspshare_does_not_load_the_web_stack() -> None:
    code = "import sys, wspshare; print('flask' in sys.modules, callable(wspshare.explore))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]


def test_explore_serves_the_model_in_a_frame_until_stopped() -> None:
    import wspshare

    explorer = wspshare.explore(HandoffModel(ScenarioConfig(provider="non-ifs")), port=0)
    try:
        assert explorer.url.startswith("http://127.0.0.1:")
        assert f'src="{explorer.url}"' in explorer._repr_html_()
        request = urllib.request.Request(
            explorer.url + "api/session", data=b"{}", headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            view = json.load(answer)
        assert [p["name"] for p in view["state"]["providers"]] == ["ifs", "non-ifs",
                                                                  "non-ifs-claim"]  # fmt: skip
        assert view["properties"], "a bare model gets the SPEC's properties"
    finally:
        explorer.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(explorer.url, timeout=5)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser()
    add_switch_options(p)
    return p


def test_every_switch_of_check_is_a_switch_of_explore() -> None:
    argv = ["--provider", "non-ifs", "--no-ack", "--no-pin", "--threads", "2", "--stranger",
            "--crash", "--lose", "2", "--reuse-pid", "--variant", "accept-twice"]  # fmt: skip
    switches = switches_from(parser().parse_args(argv))
    assert switches == Switches(
        provider="non-ifs", ack=False, pin=False, threads=2, stranger=True, crash=1, lose=2,
        reuse_pid=1, variant="accept-twice",
    )  # fmt: skip
    every = switches_from(parser().parse_args(["--faults", "1"]))
    assert {getattr(every, k) for k in check.FAULT_KINDS} == {1}


@pytest.mark.parametrize("option", ["--strategy", "--max-states", "--json", "--diagram"])
def test_what_only_a_search_needs_is_left_out(option: str) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args([option, "1"])


def test_switches_read_back_as_describe_writes_them() -> None:
    switches = Switches(provider="non-ifs-claim", ack=False, crash=2, variant="close-before-claim")
    assert parse_switches(switches.describe()) == switches
    assert parse_switches("") == Switches()
