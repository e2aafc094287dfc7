"""The mutation report of ``.ci/mutate``, and the narrowing of the staged ``[tool.mutmut]``.

``report RESULTS EQUIVALENT OUT``: RESULTS is the output of ``mutmut results --all true`` (one
``name: status`` line per mutant); EQUIVALENT is ``tests/mutation/equivalent.toml``, a table from
mutant name to the one-line reason the mutant behaves as the original. The report gives, per file
and in total, the mutants killed (by a failing test or a timeout), the survivors, the equivalent
ones, and the share of the non-equivalent ones killed.

``narrow PYPROJECT GLOB...``: replace ``only_mutate`` in a staged copy's pyproject.toml.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

KILLED = {"killed", "timeout", "segfault", "caught by type check"}
SURVIVED = {"survived", "suspicious"}


def module_of(name: str) -> str:
    """``wspshare.models.kernel.x_spawn__mutmut_3`` -> ``wspshare.models.kernel``."""
    head = name.split("__mutmut_")[0].rsplit(".", 1)[0]
    return head


def parse(text: str) -> dict[str, str]:
    verdicts: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            verdicts[name] = status.strip()
    return verdicts


def report(results: Path, equivalent: Path, out: Path) -> str:
    verdicts = parse(results.read_text("utf-8"))
    reasons: dict[str, str] = tomllib.loads(equivalent.read_text("utf-8")).get("equivalent", {})
    rows: dict[str, Counter[str]] = {}
    survivors: list[str] = []
    listed: list[str] = []
    for name, status in sorted(verdicts.items()):
        counts = rows.setdefault(module_of(name), Counter())
        if status in KILLED:
            counts["killed"] += 1
        elif name in reasons:
            counts["equivalent"] += 1
            listed.append(f"{name}: {reasons[name]}")
        elif status in SURVIVED:
            counts["survived"] += 1
            survivors.append(f"{name}: {status}")
        else:
            counts["not run"] += 1
            survivors.append(f"{name}: {status}")
    total: Counter[str] = Counter()
    lines = ["module  mutants  killed  survived  equivalent  not-run  killed-of-non-equivalent"]
    for module, counts in [*sorted(rows.items()), ("total", total)]:
        if module != "total":
            total.update(counts)
        live = counts["killed"] + counts["survived"] + counts["not run"]
        share = f"{100 * counts['killed'] / live:.1f}%" if live else "-"
        lines.append(
            f"{module}  {sum(counts.values())}  {counts['killed']}  {counts['survived']}"
            f"  {counts['equivalent']}  {counts['not run']}  {share}"
        )
    stale = sorted(set(reasons) - set(verdicts))
    text = "\n".join(
        [
            "# Mutation report (fast tier: pytest -m fast)",
            "",
            *lines,
            "",
            f"## Survivors ({len(survivors)})",
            *survivors,
            "",
            f"## Equivalent ({len(listed)})",
            *listed,
            *(["", "## Listed as equivalent, not generated here", *stale] if stale else []),
            "",
        ]
    )
    out.write_text(text, "utf-8")
    return "\n".join(lines)


def narrow(pyproject: Path, globs: list[str]) -> None:
    text = pyproject.read_text("utf-8")
    listed = ", ".join(f'"{g}"' for g in globs)
    text, n = re.subn(r"only_mutate = \[[^\]]*\]", f"only_mutate = [{listed}]", text)
    if n != 1:
        raise SystemExit(f"{pyproject}: no only_mutate list to narrow")
    pyproject.write_text(text, "utf-8")


def main(argv: list[str]) -> int:
    if argv[:1] == ["report"] and len(argv) == 4:
        print(report(Path(argv[1]), Path(argv[2]), Path(argv[3])))
        return 0
    if argv[:1] == ["narrow"] and len(argv) >= 3:
        narrow(Path(argv[1]), argv[2:])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
