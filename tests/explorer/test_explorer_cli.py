"""``wspshare explore``: it prints a loopback address and serves the page there, stops on Ctrl-C
with exit status 130 and no traceback, and answers bad input with one line and exit status 2."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from wspshare.cli import main

START_SECONDS = 60  # a loaded two-core machine imports matplotlib and flask slowly


def start(*argv: str) -> tuple[subprocess.Popen[str], str]:
    """Start the command with a free port; return it and the address it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "wspshare", "explore", *argv, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # As a terminal starts it: a test runner's process may ignore SIGINT, and an ignored
        # SIGINT is inherited, so Python would install no KeyboardInterrupt at all (the other
        # Ctrl-C tests, tests/cli/test_interrupt.py, start their commands the same way).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line:
        proc.kill()
        raise AssertionError(f"no address printed; stderr: {proc.communicate()[1]}")
    return proc, line


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc, url = start("handoff")
    yield proc, url
    if proc.poll() is None:
        proc.kill()
        proc.communicate()


def one_error_line(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(["explore", *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    return err


def test_it_prints_a_loopback_address_and_serves_the_page(
    served: tuple[subprocess.Popen[str], str],
) -> None:
    _, url = served
    assert url.startswith("http://127.0.0.1:") and url.endswith("/")
    with urllib.request.urlopen(url, timeout=30) as page:
        assert b"wspshare explorer" in page.read()
    request = urllib.request.Request(
        url + "api/session", data=b"{}", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert json.load(answer)["model"] == "handoff"


def test_ctrl_c_stops_it_with_130_and_no_traceback(
    served: tuple[subprocess.Popen[str], str],
) -> None:
    proc, _ = served
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err


def test_a_counterexample_on_the_command_line_is_in_the_address(tmp_path: Path) -> None:
    cx = tmp_path / "cx.json"
    assert main(["check", "witness", "--variant", "close-before-claim", "--counterexample",
                 str(cx)]) == 1  # fmt: skip
    proc, url = start("handoff", "--counterexample", str(cx))
    try:
        assert "?model=witness%20--variant%20close-before-claim#/" in url
        assert len(url.split("#/")[1].split("/")) == len(json.loads(cx.read_text())["steps"])
    finally:
        proc.kill()
        proc.communicate()


def test_an_unknown_configuration_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert "no-such-config" in one_error_line(capsys, "no-such-config")


def test_an_unknown_variant_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert "nonsense" in one_error_line(capsys, "handoff", "--variant", "nonsense")


def test_a_bad_port_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert "65536" in one_error_line(capsys, "handoff", "--port", "65536")


def test_a_port_in_use_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert "--port" in one_error_line(capsys, "handoff", "--port", str(port))


def test_an_unreadable_counterexample_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.json"
    assert "missing.json" in one_error_line(capsys, "handoff", "--counterexample", str(missing))
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    assert "not a counterexample" in one_error_line(
        capsys, "handoff", "--counterexample", str(garbage)
    )
