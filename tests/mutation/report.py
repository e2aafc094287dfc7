"""The mutation report of ``.ci/mutate``, and the narrowing of the staged ``[tool.mutmut]``.

``report RESULTS EQUIVALENT OUT [WHOLE]``: RESULTS is the output of ``mutmut results --all true``
(one ``name: status`` line per mutant, the verdicts of the fast tier); EQUIVALENT is
``tests/mutation/equivalent.toml``, a table from mutant name to the one-line reason the mutant
behaves as the original; WHOLE (optional) holds ``name: killed`` or ``name: survived`` lines, the
verdicts of the rest of the default suite on the fast tier's survivors (``.ci/mutate
--whole-suite``). The report gives, per file and in total, the mutants killed (by a failing test
or a timeout), the survivors, the equivalent ones, and the share of the non-equivalent ones
killed by the fast tier and, given WHOLE, by the whole suite.

``survivors RESULTS EQUIVALENT``: the fast tier's survivors not listed as equivalent, one a line.

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


def reasons_in(equivalent: Path) -> dict[str, str]:
    listed: dict[str, str] = tomllib.loads(equivalent.read_text("utf-8")).get("equivalent", {})
    return listed


def survivors(verdicts: dict[str, str], reasons: dict[str, str]) -> list[str]:
    """The mutants the fast tier let live (or did not run) that no reason calls equivalent."""
    return [n for n, s in sorted(verdicts.items()) if s not in KILLED and n not in reasons]


def share(killed: int, live: int) -> str:
    return f"{100 * killed / live:.1f}%" if live else "-"


def report(results: Path, equivalent: Path, out: Path, whole: Path | None = None) -> str:
    verdicts = parse(results.read_text("utf-8"))
    reasons = reasons_in(equivalent)
    later = parse(whole.read_text("utf-8")) if whole else {}
    rows: dict[str, Counter[str]] = {}
    left: list[str] = []
    listed: list[str] = []
    for name, status in sorted(verdicts.items()):
        counts = rows.setdefault(module_of(name), Counter())
        if status in KILLED:
            counts["killed"] += 1
        elif name in reasons:
            counts["equivalent"] += 1
            listed.append(f"{name}: {reasons[name]}")
        else:
            counts["survived" if status in SURVIVED else "not run"] += 1
            if later.get(name) == "killed":
                counts["killed later"] += 1
                left.append(f"{name}: {status} (killed by the rest of the suite)")
            else:
                left.append(f"{name}: {status}")
    total: Counter[str] = Counter()
    head = "module  mutants  killed  survived  equivalent  not-run  killed-of-non-equivalent"
    lines = [head + ("  by-whole-suite" if whole else "")]
    for module, counts in [*sorted(rows.items()), ("total", total)]:
        if module != "total":
            total.update(counts)
        live = counts["killed"] + counts["survived"] + counts["not run"]
        mutants = live + counts["equivalent"]
        line = (
            f"{module}  {mutants}  {counts['killed']}  {counts['survived']}"
            f"  {counts['equivalent']}  {counts['not run']}  {share(counts['killed'], live)}"
        )
        if whole:
            line += f"  {share(counts['killed'] + counts['killed later'], live)}"
        lines.append(line)
    stale = sorted(set(reasons) - set(verdicts))
    suite = "fast tier: pytest -m fast" + ("; whole suite on its survivors" if whole else "")
    text = "\n".join(
        [
            f"# Mutation report ({suite})",
            "",
            *lines,
            "",
            f"## Survivors of the fast tier ({len(left)})",
            *left,
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
    if argv[:1] == ["report"] and len(argv) in (4, 5):
        whole = Path(argv[4]) if len(argv) == 5 else None
        print(report(Path(argv[1]), Path(argv[2]), Path(argv[3]), whole))
        return 0
    if argv[:1] == ["survivors"] and len(argv) == 3:
        verdicts = parse(Path(argv[1]).read_text("utf-8"))
        print("\n".join(survivors(verdicts, reasons_in(Path(argv[2])))))
        return 0
    if argv[:1] == ["narrow"] and len(argv) >= 3:
        narrow(Path(argv[1]), argv[2:])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
