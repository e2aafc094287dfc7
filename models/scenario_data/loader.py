"""Reading a scenario file: TOML (``tomllib``) into ``Scenario``, with errors that say where.

A syntax error keeps ``tomllib``'s line and column; a well-formed file that breaks the schema
gets the table and key path (``process[2].steps[3].call``) and, found by a scan of the text, the
line of the offending entry.  Every error is one ``ScenarioError`` (a ``ModelError``, so the
command line prints it as one line and exits 2), never a traceback.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wspshare.models.errors import ModelError
from wspshare.models.scenario.config import PROVIDER_NAMES, Faults
from wspshare.models.scenario_data.calls import (
    CALL_ARGS,
    EVENTS,
    HOW,
    KINDS,
    OPTIONS,
    canonical_call,
    flag_value,
    known_calls,
)
from wspshare.models.scenario_data.schema import (
    MODES,
    ON_ERROR,
    OPS,
    PROFILES,
    Arg,
    PipeSpec,
    ProcessSpec,
    Scenario,
    StepSpec,
    ThreadSpec,
)

TOP_KEYS = (
    "name",
    "description",
    "source",
    "provider",
    "profile",
    "mode",
    "faults",
    "pipe",
    "process",
    "steps",
    "known_difference",
)
FAULT_KINDS = ("crash", "lose", "duplicate", "reorder", "exhaust")
COMMON_KEYS = (
    "out", "expect", "expect_value", "on_error", "process", "thread", "note", "atomic",
)  # fmt: skip
OP_KEYS = {
    "call": CALL_ARGS,
    "send": ("reg", "pid", "token"),
    "recv": ("token",),
    "join": (),
    "exit": (),
    "wait": (),
    "open_process": (),
    "close_handle": (),
    "peer": ("eof", "data"),
    "client": (),
}
MAX_STEPS = 64  # per thread: more is no scenario a checker can explore
MAX_PROCESSES = 6
MAX_THREADS = 4


class ScenarioError(ModelError):
    """A scenario file that cannot be read, with where and what was expected."""


@dataclass(frozen=True)
class Where:
    """Finds the line of an entry by scanning the text: ``tomllib`` keeps no positions."""

    name: str
    lines: tuple[str, ...]

    def header(self, table: str, index: int) -> int:
        """The line of the ``index``-th ``[[table]]`` header (1-based; 0 when not found)."""
        seen = -1
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
        for n, line in enumerate(self.lines, 1):
            if pattern.match(line):
                seen += 1
                if seen == index:
                    return n
        return 0

    def key(self, key: str, start: int = 0) -> int:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for n in range(max(start, 1), len(self.lines) + 1):
            if pattern.match(self.lines[n - 1]):
                return n
        return 0

    def item(self, array_line: int, index: int) -> int:
        """The line of the ``index``-th inline table of the array that starts at ``array_line``."""
        if not array_line:
            return 0
        seen = -1
        for n in range(array_line, len(self.lines) + 1):
            text = self.lines[n - 1].split("#", 1)[0]
            if n == array_line:
                text = text.split("[", 1)[1] if "[" in text else ""
            for _ in range(text.count("{")):
                seen += 1
                if seen == index:
                    return n
        return 0

    def fail(self, line: int, path: str, message: str) -> ScenarioError:
        at = f"{self.name}:{line}" if line else self.name
        return ScenarioError(f"{at}: {path}: {message}")


def load_scenario(path: str | Path) -> Scenario:
    """The scenario in file ``path``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{p}: is not UTF-8 text") from None
    except OSError as err:
        raise ScenarioError(f"{p}: cannot read: {err.strerror}") from None
    return parse_scenario(text, str(p))


def parse_scenario(text: str, name: str = "<scenario>") -> Scenario:
    """The scenario written in ``text`` (``name`` says where, in messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        text_of = str(err)
        found = re.search(r"\(at line (\d+), column (\d+)\)", text_of)
        line = getattr(err, "lineno", 0) or (int(found.group(1)) if found else 0)
        column = f", column {found.group(2)}" if found else ""
        message = text_of.split(" (at line")[0] + column
        raise ScenarioError(f"{name}:{line}: not valid TOML: {message}") from None
    return _Reader(Where(name, tuple(text.splitlines()))).scenario(data)


class _Reader:
    def __init__(self, where: Where) -> None:
        self.where = where

    def fail(self, line: int, path: str, message: str) -> ScenarioError:
        return self.where.fail(line, path, message)

    def text(self, data: Mapping[str, Any], key: str, default: str, line: int = 0) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(line or self.where.key(key), key, f"expected a string, got {value!r}")
        return value

    def choice(self, value: str, choices: tuple[str, ...], line: int, path: str) -> str:
        if value not in choices:
            raise self.fail(line, path, f"expected one of {', '.join(choices)}, got {value!r}")
        return value

    def scenario(self, data: dict[str, Any]) -> Scenario:
        for key in data:
            if key not in TOP_KEYS:
                raise self.fail(
                    self.where.key(key), key, f"unknown key; expected one of {', '.join(TOP_KEYS)}"
                )
        name = self.text(data, "name", "")
        if not name:
            raise self.fail(0, "name", "missing: every scenario needs a name")
        provider = self.choice(
            self.text(data, "provider", "ifs"),
            PROVIDER_NAMES,
            self.where.key("provider"),
            "provider",
        )
        profile = self.choice(
            self.text(data, "profile", "documented"), PROFILES, self.where.key("profile"), "profile"
        )
        mode = self.choice(
            self.text(data, "mode", "interleaved"), MODES, self.where.key("mode"), "mode"
        )
        faults = self.faults(data.get("faults", {}))
        names = self.process_names(data)
        pipes = self.pipes(data.get("pipe", []), names)
        if mode == "sequential":
            processes, order = self.sequential(data, names)
        else:
            if "steps" in data:
                raise self.fail(
                    self.where.key("steps"),
                    "steps",
                    "top-level steps are for "
                    'mode = "sequential"; put each process\'s steps in its table',
                )
            processes, order = self.interleaved(data), ()
        scenario = Scenario(
            name=name,
            processes=processes,
            pipes=pipes,
            provider=provider,
            profile=profile,
            mode=mode,
            faults=faults,
            description=self.text(data, "description", ""),
            source=self.text(data, "source", ""),
            order=order,
            known_difference=self.text(data, "known_difference", ""),
        )
        self.check_references(scenario)
        return scenario

    def faults(self, table: object) -> Faults:
        line = self.where.header("faults", 0) or self.where.key("faults")
        if not isinstance(table, dict):
            raise self.fail(line, "faults", "expected a table of fault budgets")
        budgets = {}
        for key, value in table.items():
            if key not in FAULT_KINDS:
                raise self.fail(
                    line,
                    f"faults.{key}",
                    f"unknown fault; expected one of {', '.join(FAULT_KINDS)}",
                )
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 4:
                raise self.fail(line, f"faults.{key}", f"expected a budget 0..4, got {value!r}")
            budgets[key] = value
        return Faults(**budgets)

    def process_names(self, data: dict[str, Any]) -> list[str]:
        procs = data.get("process")
        if not isinstance(procs, list) or not procs:
            raise self.fail(0, "process", "expected at least one [[process]] table")
        if len(procs) > MAX_PROCESSES:
            raise self.fail(
                self.where.header("process", MAX_PROCESSES),
                "process",
                f"at most {MAX_PROCESSES} processes",
            )
        names: list[str] = []
        for i, proc in enumerate(procs):
            line = self.where.header("process", i)
            if not isinstance(proc, dict):
                raise self.fail(line, f"process[{i + 1}]", "expected a table")
            pname = self.text(proc, "name", "", line)
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", pname):
                raise self.fail(
                    line,
                    f"process[{i + 1}].name",
                    f"expected a name of letters, digits, - or _, got {pname!r}",
                )
            if pname in names:
                raise self.fail(line, f"process[{i + 1}].name", f"{pname!r} is named twice")
            names.append(pname)
        return names

    def pipes(self, tables: object, names: list[str]) -> tuple[PipeSpec, ...]:
        if not isinstance(tables, list):
            raise self.fail(self.where.key("pipe"), "pipe", "expected [[pipe]] tables")
        out: list[PipeSpec] = []
        for i, table in enumerate(tables):
            line = self.where.header("pipe", i)
            path = f"pipe[{i + 1}]"
            if not isinstance(table, dict):
                raise self.fail(line, path, "expected a table with name and ends")
            name = self.text(table, "name", "", line)
            ends = table.get("ends")
            if not name:
                raise self.fail(line, f"{path}.name", "missing")
            if (
                not isinstance(ends, list)
                or len(ends) != 2
                or ends[0] == ends[1]
                or any(e not in names for e in ends)
            ):
                raise self.fail(
                    line,
                    f"{path}.ends",
                    f"expected two different process names of {names}, got {ends!r}",
                )
            out.append(PipeSpec(name, (ends[0], ends[1])))
        return tuple(out)

    def interleaved(self, data: dict[str, Any]) -> tuple[ProcessSpec, ...]:
        out: list[ProcessSpec] = []
        for i, proc in enumerate(data["process"]):
            line = self.where.header("process", i)
            path = f"process[{i + 1}]"
            for key in proc:
                if key not in ("name", "steps", "thread"):
                    raise self.fail(
                        line,
                        f"{path}.{key}",
                        "unknown key; expected name, steps or [[process.thread]]",
                    )
            threads = [ThreadSpec("main", self.steps(proc.get("steps", []), line, f"{path}.steps"))]
            extra = proc.get("thread", [])
            if not isinstance(extra, list):
                raise self.fail(line, f"{path}.thread", "expected [[process.thread]] tables")
            for k, table in enumerate(extra):
                tline = self.where.header("process.thread", k)
                tpath = f"{path}.thread[{k + 1}]"
                if not isinstance(table, dict):
                    raise self.fail(tline, tpath, "expected a table with name and steps")
                tname = self.text(table, "name", f"T{k + 1}", tline)
                threads.append(
                    ThreadSpec(tname, self.steps(table.get("steps", []), tline, f"{tpath}.steps"))
                )
            if len(threads) > MAX_THREADS:
                raise self.fail(line, path, f"at most {MAX_THREADS} threads a process")
            out.append(ProcessSpec(proc["name"], tuple(threads)))
        return tuple(out)

    def sequential(
        self, data: dict[str, Any], names: list[str]
    ) -> tuple[tuple[ProcessSpec, ...], tuple[tuple[int, int, int], ...]]:
        for i, proc in enumerate(data["process"]):
            for key in proc:
                if key != "name":
                    raise self.fail(
                        self.where.header("process", i),
                        f"process[{i + 1}].{key}",
                        "in a sequential case processes have only a name; the steps "
                        "are the top-level steps, each with its process (top-level keys go before "
                        "the first [[process]] table)",
                    )
        raw = data.get("steps")
        steps = self.steps(
            raw if raw is not None else [], self.where.key("steps"), "steps", sequential=True
        )
        programs: list[list[list[StepSpec]]] = [[[]] for _ in names]
        order: list[tuple[int, int, int]] = []
        for n, (step, (pname, thread)) in enumerate(zip(steps, self._owners(raw), strict=True)):
            if pname not in names:
                raise self.fail(
                    step.line,
                    f"steps[{n + 1}].process",
                    f"expected one of {', '.join(names)}, got {pname!r}",
                )
            p = names.index(pname)
            while len(programs[p]) <= thread:
                programs[p].append([])
            order.append((p, thread, len(programs[p][thread])))
            programs[p][thread].append(step)
        processes = tuple(
            ProcessSpec(
                name,
                tuple(
                    ThreadSpec(f"T{t}" if t else "main", tuple(prog))
                    for t, prog in enumerate(programs[p])
                ),
            )
            for p, name in enumerate(names)
        )
        return processes, tuple(order)

    def _owners(self, raw: object) -> list[tuple[str, int]]:
        assert isinstance(raw, list)
        return [(str(s.get("process", "")), int(s.get("thread", 0))) for s in raw]

    def steps(
        self, raw: object, line: int, path: str, sequential: bool = False
    ) -> tuple[StepSpec, ...]:
        array_line = self.where.key("steps", line) if line else self.where.key("steps")
        if not isinstance(raw, list):
            raise self.fail(array_line, path, "expected an array of steps, each an inline table")
        if len(raw) > MAX_STEPS * (MAX_PROCESSES if sequential else 1):
            raise self.fail(array_line, path, f"at most {MAX_STEPS} steps a thread")
        out = []
        for k, item in enumerate(raw):
            at = self.where.item(array_line, k) or array_line
            out.append(self.step(item, at, f"{path}[{k + 1}]", sequential))
        return tuple(out)

    def step(self, item: object, line: int, path: str, sequential: bool) -> StepSpec:
        if not isinstance(item, dict):
            raise self.fail(
                line,
                path,
                f'expected an inline table such as {{call = "WSASocket", out = "s"}}, got {item!r}',
            )
        ops = [op for op in OPS if op in item]
        if len(ops) != 1:
            found = ", ".join(ops) if ops else "none"
            raise self.fail(line, path, f"expected exactly one of {', '.join(OPS)} (found {found})")
        op = ops[0]
        if sequential and "process" not in item:
            raise self.fail(line, f"{path}.process", "missing: a sequential step names its process")
        if not sequential and ("process" in item or "thread" in item):
            raise self.fail(
                line,
                f"{path}.process",
                "only steps of a sequential case name a "
                "process; here the step belongs to the table it is in",
            )
        allowed = (op, *OP_KEYS[op], *COMMON_KEYS)
        for key in item:
            if key not in allowed:
                raise self.fail(
                    line,
                    f"{path}.{key}",
                    f"unknown key for a {op} step; expected "
                    f"one of {', '.join(k for k in allowed if k != op)}",
                )
        if "thread" in item and (
            not isinstance(item["thread"], int) or not 0 <= item["thread"] < MAX_THREADS
        ):
            raise self.fail(line, f"{path}.thread", f"expected 0..{MAX_THREADS - 1}")
        out = item.get("out", "")
        if not isinstance(out, str) or (out and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", out)):
            raise self.fail(line, f"{path}.out", f"expected a register name, got {out!r}")
        expect = item.get("expect", "")
        if not isinstance(expect, str) or (
            expect and expect not in ("ok", "refused") and not expect.startswith("WSA")
        ):
            raise self.fail(
                line,
                f"{path}.expect",
                f'expected "ok", "refused" or a Winsock error name such as WSAEINVAL, '
                f"got {expect!r}",
            )
        expect_value = item.get("expect_value")
        if expect_value is not None and (
            not isinstance(expect_value, int) or isinstance(expect_value, bool)
        ):
            raise self.fail(line, f"{path}.expect_value", "expected a whole number")
        on_error = item.get("on_error", "continue")
        if not isinstance(on_error, str):
            raise self.fail(line, f"{path}.on_error", "expected a string")
        self.choice(on_error, ON_ERROR, line, f"{path}.on_error")
        head = item[op]
        call, pipe = "", ""
        args: list[tuple[str, Arg]] = []
        if op == "call":
            if not isinstance(head, str) or canonical_call(head) is None:
                raise self.fail(
                    line, f"{path}.call", f"unknown call {head!r}; expected one of {known_calls()}"
                )
            call = canonical_call(head) or ""
        elif op in ("send", "recv"):
            if not isinstance(head, str):
                raise self.fail(line, f"{path}.{op}", "expected a pipe name")
            pipe = head
            if op == "send" and sum(k in item for k in ("reg", "pid", "token")) != 1:
                raise self.fail(
                    line,
                    path,
                    "a send carries exactly one of reg (a register), "
                    'pid = true (the sender\'s pid) or token (a word such as "ack")',
                )
        elif op in ("join", "exit"):
            if head is not True:
                raise self.fail(line, f"{path}.{op}", f"expected {op} = true")
        elif op == "peer":
            if not isinstance(head, int) or isinstance(head, bool) or head < 0:
                raise self.fail(line, f"{path}.peer", "expected the connection's number, from 0")
            args.append(("conn", head))
        else:
            if not isinstance(head, str | int) or isinstance(head, bool):
                raise self.fail(line, f"{path}.{op}", "expected a register or process name")
            args.append(("target", head))
        self.check_names(item, line, path)
        for key in OP_KEYS[op]:
            if key in item:
                value = item[key]
                if not isinstance(value, int | str | bool):
                    raise self.fail(
                        line, f"{path}.{key}", f"expected a name or a number, got {value!r}"
                    )
                args.append((key, value))
        atomic = item.get("atomic", False)
        if not isinstance(atomic, bool) or (atomic and sequential):
            raise self.fail(
                line,
                f"{path}.atomic",
                "expected true or false (and not in a "
                "sequential case, whose steps have one order already)",
            )
        return StepSpec(
            op, call, tuple(args), out, expect, expect_value, on_error, pipe, line, atomic
        )

    def check_names(self, item: dict[str, Any], line: int, path: str) -> None:
        """Named constants must be ones the model knows: an unknown name is a typo, not 0."""
        for key, table in (("option", OPTIONS), ("mask", EVENTS), ("how", HOW)):
            value = item.get(key)
            if value is None or (isinstance(value, int) and not isinstance(value, bool)):
                continue
            if not isinstance(value, str) or flag_value(value, table) is None:
                raise self.fail(
                    line,
                    f"{path}.{key}",
                    f"expected a number or one of "
                    f"{', '.join(table)}{' (joined by |)' if key == 'mask' else ''}, "
                    f"got {value!r}",
                )
        kind = item.get("kind")
        if kind is not None and kind not in KINDS:
            raise self.fail(
                line, f"{path}.kind", f"expected one of {', '.join(KINDS)}, got {kind!r}"
            )
        for key in ("buffer", "block", "eof"):
            if key in item and not isinstance(item[key], bool):
                raise self.fail(line, f"{path}.{key}", "expected true or false")

    def check_references(self, sc: Scenario) -> None:
        """Every register read is written somewhere in its process; every pipe and process a
        step names exists and the step's process is one of the pipe's ends."""
        names = [p.name for p in sc.processes]
        pipes = {p.name: p for p in sc.pipes}
        for proc in sc.processes:
            regs = set(proc.registers())
            for thread in proc.threads:
                for step in thread.steps:
                    where = f"process {proc.name!r}, {step}"
                    if step.op in ("send", "recv"):
                        pipe = pipes.get(step.pipe)
                        if pipe is None:
                            raise self.fail(
                                step.line,
                                where,
                                f"no pipe named {step.pipe!r} (declare it in a [[pipe]] table)",
                            )
                        if proc.name not in pipe.ends:
                            raise self.fail(
                                step.line,
                                where,
                                f"{proc.name!r} is not an end of "
                                f"pipe {step.pipe!r} {list(pipe.ends)}",
                            )
                    for key, value in step.args:
                        if key in (
                            "conn",
                            "eof",
                            "data",
                            "token",
                            "option",
                            "mask",
                            "how",
                            "kind",
                            "buffer",
                            "block",
                            "backlog",
                            "port",
                        ):
                            continue
                        if isinstance(value, str) and value.startswith("@"):
                            if value[1:] not in (*names, "self"):
                                raise self.fail(
                                    step.line,
                                    where,
                                    f"{value!r} names no process; expected @self or "
                                    f"@ and one of {', '.join(names)}",
                                )
                        elif key == "target" and step.op == "wait":
                            if value not in names:
                                raise self.fail(step.line, where, f"no process named {value!r}")
                        elif (
                            isinstance(value, str)
                            and value not in regs
                            and not (key == "info" and value == "zero")
                        ):
                            raise self.fail(
                                step.line,
                                where,
                                f"register {value!r} is never written in "
                                f"process {proc.name!r} (an out = of some step)",
                            )
