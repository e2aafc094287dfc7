"""A fuzz test of the command line: whatever the arguments, a run ends in time with its answer
(exit 0 or 1) or with one line on stderr and exit 2, and never with a traceback.

Hypothesis draws argument lists for every subcommand that ends by itself (``explore`` serves
until stopped and has tests of its own): known flags with good and bad values (numbers out of
range, non-finite floats, garbage, empty strings), unknown flags, output paths that are fine,
missing, a directory, empty or ``-``, fault-plan strings, and fault-plan files with text, binary
or UTF-16 contents.  It runs in-process, so each example costs milliseconds, and the work of a
valid run is kept small by bounds appended after the drawn flags (argparse keeps the last value).
"""

from __future__ import annotations

import io
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wspshare.properties.stateful import profiles

from wspshare.cli import main

# Imported for its side effect: Hypothesis profiles must be registered before a test runs
# (``mutants`` would otherwise register them inside this test, which Hypothesis warns about).
assert profiles.CI

SECONDS_PER_RUN = 30.0  # generous: a loaded CI machine, a prove at the smallest bound

NUMBERS = st.one_of(
    st.integers(-3, 20).map(str),
    st.sampled_from(["0", "-1", "99999999999999999999", "1e3", "2.5", "inf", "nan", "", "x"]),
)
FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["0", "1", "0.5", "inf", "-1", "nan", "", "ms", "1e999"]),
)
GARBAGE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
FAULT_SPECS = st.one_of(
    st.sampled_from(
        [
            "target1@after:5", "source@before:2", "target1@t=3", "6", "6@target1", "3:5",
            "target1@after:5,WSAEMFILE", "target1@after:5,WSAEBOGUS", "nobody@after:1",
            "target1", "@", "6:inf", "6:nan", "target99999999999999@after:5",
        ]
    ),
    GARBAGE,
)  # fmt: skip
FAULT_FILES = st.one_of(
    st.lists(
        st.builds(lambda k, s: f"{k} {s}", st.sampled_from(["crash", "lose", "delay", "x"]),
                  FAULT_SPECS),
        max_size=3,
    ).map(lambda lines: "\n".join(lines).encode()),
    st.binary(max_size=40),
    st.just("lose 6\n".encode("utf-16")),
    st.just(b'["lose 6", 3]'),
    st.just(b"["),
)  # fmt: skip
PATH_KINDS = st.sampled_from(["file", "missing-dir", "directory", "empty", "dash"])

SCENARIO_FLAGS: dict[str, st.SearchStrategy[str] | None] = {
    "--provider": st.sampled_from(["ifs", "non-ifs", "non-ifs-claim", "nosuch", ""]),
    "--targets": NUMBERS,
    "--threads": NUMBERS,
    "--no-ack": None,
    "--no-pin": None,
}
COMMANDS: dict[str, dict[str, st.SearchStrategy[str] | str | None]] = {
    "handoff": {**SCENARIO_FLAGS},
    "check": {
        **SCENARIO_FLAGS,
        "--crash": NUMBERS, "--lose": NUMBERS, "--faults": NUMBERS, "--stranger": None,
        "--variant": st.sampled_from(["accept-twice", "no-pid-check", "nosuch", "correct"]),
        "--strategy": st.sampled_from(["bfs", "dfs", "random", "nosuch"]),
        "--no-symmetry": None, "--max-states": NUMBERS, "--max-seconds": FLOATS,
        "--depth": NUMBERS, "--walks": NUMBERS, "--seed": NUMBERS, "--list": None,
        "--json": "path", "--counterexample": "path", "--diagram": "path", "--quiet": None,
        "--progress": None,
    },
    "simulate": {
        **SCENARIO_FLAGS,
        "--seed": NUMBERS, "--runs": NUMBERS, "--workers": NUMBERS, "--call-time": FLOATS,
        "--ipc-delay": FLOATS, "--close-delay": FLOATS, "--receive-timeout": FLOATS,
        "--crash": FAULT_SPECS, "--lose": FAULT_SPECS, "--delay": FAULT_SPECS,
        "--exhaust": FAULT_SPECS, "--fault-plan": "plan", "--faults": GARBAGE,
        "--json": "path", "--trace": "path", "--diagram": "path", "--save-failure": "path",
        "--scheduler": st.sampled_from(["garbage", "tcp://", "tcp://127.0.0.1:1", ":::"]),
        "--quiet": None,
    },
    "prove": {
        "--bound": st.sampled_from(["1,1,1,1", "1,1,1,1,1", "9,1,1,1", "0,1,1,1", "a,b", ""]),
        "--variant": st.sampled_from(["close-drops-twice", "nosuch", "correct"]),
        "--invariant": st.sampled_from(["reference-count", "nosuch"]),
        "--timeout": NUMBERS, "--parametric": None, "--json": "path",
    },
    "bmc": {
        "--depth": NUMBERS, "--handles": NUMBERS, "--timeout": NUMBERS,
        "--variant": st.sampled_from(["no-pid-check", "nosuch"]), "--json": "path",
    },
    "conform": {
        "--case": st.sampled_from(["doc-single-use", "nosuch", ""]),
        "--cases": st.sampled_from(["conformance/cases", "/nonexistent", ""]),
        "--observed": st.sampled_from(["conformance/observed/wine.json", "/nonexistent", ""]),
        "--variant": st.sampled_from(["accept-twice", "nosuch"]), "--json": "path",
    },
    "mutants": {
        "--bug": st.sampled_from(["accept-twice", "nosuch"]), "--list": None,
        "--checkers": st.sampled_from(["exhaustive", "nosuch", "", "exhaustive,bmc"]),
        "--budget": FLOATS, "--json": "path", "--markdown": None,
    },
}  # fmt: skip
POSITIONAL = {
    "check": st.sampled_from(
        ["handoff", "fanout", "witness", "nosuch", "", "scenarios/handoff.toml",
         "scenarios/nosuch.toml", "pyproject.toml", "README.md"]
    ),
    "bmc": st.sampled_from(["handoff", "fanout", "nosuch", "scenarios/handoff.toml"]),
}
# Appended after the drawn flags so that a valid run stays small; argparse keeps the last value.
BOUNDS = {
    "check": ["--max-states", "400", "--max-seconds", "5"],
    "simulate": ["--workers", "1"],
    "prove": ["--bound", "1,1,1,1,1", "--timeout", "2"],
    "bmc": ["--depth", "1", "--timeout", "5"],
    "mutants": ["--checkers", "exhaustive", "--budget", "1"],
}
# Values the bounds above would not tame: a sweep's length, and a whole kill matrix.
TAME = {"--runs": lambda v: v if not v.isdigit() or int(v) <= 5 else "5"}


@st.composite
def invocations(draw: st.DrawFn, tmp: Path) -> list[str]:
    command = draw(st.sampled_from(sorted(COMMANDS)))
    flags = COMMANDS[command]
    argv = [command]
    if command in POSITIONAL and draw(st.booleans()):
        argv.append(draw(POSITIONAL[command]))
    for flag in draw(st.lists(st.sampled_from(sorted(flags)), max_size=4)):
        value = flags[flag]
        argv.append(flag)
        if value == "path":
            argv.append(path_of(draw(PATH_KINDS), tmp, flag))
        elif value == "plan":
            plan = tmp / f"plan{draw(st.integers(0, 3))}.txt"
            plan.write_bytes(draw(FAULT_FILES))
            argv.append(str(plan))
        elif isinstance(value, st.SearchStrategy):
            text = draw(value)
            argv.append(TAME[flag](text) if flag in TAME else text)
    if draw(st.booleans()):
        argv.append(draw(st.sampled_from(["--nosuch", "-x", "--", "extra"])))
    if command == "mutants" and "--list" not in argv:
        argv += ["--bug", "accept-twice"]
    return argv + BOUNDS.get(command, [])


def path_of(kind: str, tmp: Path, flag: str) -> str:
    suffix = ".svg" if flag == "--diagram" else ".json"
    return {
        "file": str(tmp / f"out{suffix}"),
        "missing-dir": str(tmp / "missing" / f"out{suffix}"),
        "directory": str(tmp),
        "empty": "",
        "dash": "-",
    }[kind]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_invocation_answers_or_refuses_in_one_line(data: st.DataObject, tmp_path: Path) -> None:
    argv = data.draw(invocations(tmp_path), label="argv")
    out, err = io.StringIO(), io.StringIO()
    start = time.monotonic()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    took = time.monotonic() - start
    stderr = err.getvalue()
    assert "Traceback" not in stderr, stderr
    assert code in (0, 1, 2), (code, stderr)
    if code == 2:
        lines = [line for line in stderr.splitlines() if not line.startswith("wspshare: warning")]
        assert len(lines) == 1 and lines[0].startswith("wspshare"), stderr
    assert took < SECONDS_PER_RUN, f"{argv} took {took:.1f} s"
