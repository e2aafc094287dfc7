"""Running conformance cases on a real Winsock: each compiled with mingw-w64, run under Wine.

One fresh ``WINEPREFIX`` per run, initialised once (``wineboot``) and removed afterwards;
``WINEDEBUG=-all`` and no display, so it runs headless.  Each case's program prints one JSON
line per step; ``observe`` collects them, with the Wine version, into the document saved under
``conformance/observed/``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from wspshare.conformance.cgen import c_program
from wspshare.conformance.peer import Peer
from wspshare.models.scenario_data.schema import Scenario

COMPILER = "x86_64-w64-mingw32-gcc"
CASE_TIMEOUT = 90  # seconds for one case's program (each step waits at most about a second)


class WineUnavailable(RuntimeError):
    """Wine or mingw-w64 is not installed; the message says what to install."""


def wine_binary() -> str:
    for name in ("wine64", "wine"):
        if shutil.which(name):
            return name
    raise WineUnavailable("no wine on PATH: install Debian's wine and wine64 packages")


def tools() -> tuple[str, str]:
    if not shutil.which(COMPILER):
        raise WineUnavailable(f"no {COMPILER} on PATH: install Debian's gcc-mingw-w64-x86-64")
    return wine_binary(), COMPILER


def wine_version(wine: str) -> str:
    done = subprocess.run([wine, "--version"], capture_output=True, text=True, timeout=60)
    return done.stdout.strip() or done.stderr.strip()


def environment(prefix: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(WINEPREFIX=prefix, WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml=")
    return env


def compile_case(scenario: Scenario, directory: Path) -> Path:
    source = directory / f"{scenario.name}.c"
    exe = directory / f"{scenario.name}.exe"
    source.write_text(c_program(scenario))
    done = subprocess.run(
        [COMPILER, "-O1", "-o", str(exe), str(source), "-lws2_32"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{scenario.name}: the C program does not compile:\n{done.stderr}")
    return exe


def run_case(wine: str, exe: Path, env: dict[str, str], peer: Peer) -> list[dict[str, object]]:
    peer.reset()
    done = subprocess.run(
        [wine, str(exe), "root", str(peer.port), str(peer.control_port)],
        capture_output=True,
        text=True,
        timeout=CASE_TIMEOUT,
        env=env,
        cwd=exe.parent,
    )
    steps: list[dict[str, object]] = []
    for line in done.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            record = json.loads(line)
            if "fatal" in record:
                raise RuntimeError(f"{exe.stem}: the program failed: {record['fatal']}")
            steps.append(record)
    return steps


def observe(
    cases: Sequence[Scenario], progress: Callable[[str], None] | None = None
) -> dict[str, object]:
    """Run every case under Wine; the observations document (Wine's version, per case the
    list of step records)."""
    wine, _ = tools()
    version = wine_version(wine)
    observed: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="wspshare-wine-") as tmp:
        prefix = Path(tmp) / "prefix"
        prefix.mkdir()
        env = environment(str(prefix))
        subprocess.run([wine, "wineboot", "-i"], env=env, capture_output=True, timeout=600)
        build = Path(tmp) / "build"
        build.mkdir()
        with Peer() as peer:
            for case in cases:
                if progress is not None:
                    progress(case.name)
                exe = compile_case(case, build)
                observed[case.name] = run_case(wine, exe, env, peer)
        subprocess.run(
            [wine.replace("wine64", "wine") + "server", "-k"],
            env=env,
            capture_output=True,
            timeout=60,
        )
    return {"wine": version, "cases": observed}
