"""The conformance suite: each case's claims, the model's predictions, Wine's observations.

For every case (a sequential scenario under ``conformance/cases/``) three lists are compared
step by step: what the case claims (its ``expect`` fields: the documentation or the source
test's assertions), what the model predicts under the ``documented`` profile, and, where a
real run was recorded, what Wine returned against what the ``wine`` profile predicts.  A
difference between Wine and the documentation must be listed in ``known-differences.toml``
with its reason (and the ``wine`` profile must predict it); any other difference is a mismatch.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from wspshare.models.errors import ModelError
from wspshare.models.scenario_data import Observation, Scenario, load_scenario, run_sequential
from wspshare.models.semantics import Semantics

ROOT = Path(__file__).resolve().parents[2] / "conformance"
VALUE_CALLS = ("WSPRecv(", "WSPGetSockOpt", "WSPDuplicateSocket")  # values compared, too


@dataclass(frozen=True)
class Known:
    """A recorded difference at one step: between Wine and the documentation (``kind`` =
    ``documentation``) or between Wine and every profile of the model (``model``)."""

    case: str
    step: int  # 1-based, in the case's order
    kind: str
    reason: str


@dataclass
class StepRow:
    index: int
    process: str
    what: str
    claimed: str
    documented: str
    documented_agrees: bool
    wine_model: str
    wine: str | None
    value_model: int | None = None
    value_wine: int | None = None


@dataclass
class CaseResult:
    name: str
    source: str
    rows: list[StepRow]
    verdict: str  # match, explained, mismatch
    notes: list[str] = field(default_factory=list)

    @property
    def claims(self) -> int:
        return sum(1 for r in self.rows if r.claimed)

    def to_json(self) -> dict[str, object]:
        return {
            "case": self.name,
            "source": self.source,
            "verdict": self.verdict,
            "notes": self.notes,
            "steps": [vars(r) for r in self.rows],
        }


def load_cases(directory: Path | None = None) -> list[Scenario]:
    cases = [load_scenario(p) for p in sorted((directory or ROOT / "cases").glob("*.toml"))]
    for case in cases:
        if case.mode != "sequential":
            raise ModelError(f"{case.name}: a conformance case is a sequential scenario")
        if not case.source:
            raise ModelError(f"{case.name}: a conformance case cites its source test")
    return cases


def load_known(path: Path | None = None) -> dict[tuple[str, int], Known]:
    path = path or ROOT / "known-differences.toml"
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text())
    out = {}
    for entry in data.get("difference", []):
        known = Known(entry["case"], int(entry["step"]), entry["kind"], entry["reason"])
        out[known.case, known.step] = known
    return out


def load_observed(path: Path | None = None) -> dict[str, object]:
    path = path or ROOT / "observed" / "wine.json"
    if not path.exists():
        return {}
    data: dict[str, object] = json.loads(path.read_text())
    return data


def predict(case: Scenario, profile: str, semantics: Semantics | None) -> list[Observation]:
    return run_sequential(replace(case, profile=profile), semantics)


def compare(
    case: Scenario,
    observed: list[dict[str, object]] | None,
    known: dict[tuple[str, int], Known],
    semantics: Semantics | None = None,
) -> CaseResult:
    documented = predict(case, "documented", semantics)
    wine_model = predict(case, "wine", semantics)
    rows: list[StepRow] = []
    notes: list[str] = []
    verdict = "match"
    for n, (d, w) in enumerate(zip(documented, wine_model, strict=False)):
        seen = observed[n] if observed is not None and n < len(observed) else None
        value_ok = d.expect_value is None or d.result != "ok" or d.value == d.expect_value
        row = StepRow(
            n + 1,
            d.process,
            d.what,
            d.expect,
            d.result,
            (not d.expect or d.result == d.expect) and value_ok,
            w.result,
            None if seen is None else str(seen["result"]),
        )
        if any(c in d.what for c in VALUE_CALLS):
            row.value_model = w.value
            row.value_wine = None if seen is None else seen.get("value")  # type: ignore[assignment]
        rows.append(row)
        entry = known.get((case.name, n + 1))
        claimed_value = d.expect_value is not None and d.result == "ok"
        if claimed_value and d.value != d.expect_value:
            verdict = "mismatch"
            notes.append(
                f"step {n + 1}: the case claims the value {d.expect_value}, the model "
                f"predicts {d.value}"
            )
        if d.expect and d.result != d.expect:
            if entry is not None and entry.kind == "model":
                verdict = "explained" if verdict == "match" else verdict
                notes.append(
                    f"step {n + 1}: the case claims {d.expect}, the model predicts "
                    f"{d.result} (known: {entry.reason})"
                )
            else:
                verdict = "mismatch"
                notes.append(
                    f"step {n + 1}: the case claims {d.expect}, the model predicts {d.result}"
                )
        if seen is None:
            continue
        wine_value_differs = row.value_model != row.value_wine
        if row.wine != w.result or wine_value_differs:
            shown = str(row.wine) + (f" value {row.value_wine}" if wine_value_differs else "")
            if entry is not None and entry.kind == "model":
                notes.append(
                    f"step {n + 1}: Wine gives {shown}, the model {w.result} "
                    f"(known: {entry.reason})"
                )
                verdict = "explained" if verdict == "match" else verdict
            else:
                verdict = "mismatch"
                notes.append(
                    f"step {n + 1}: Wine gives {shown}, the wine profile predicts {w.result}"
                )
        if d.expect and row.wine != d.expect:
            if entry is not None:
                notes.append(
                    f"step {n + 1}: Wine gives {row.wine} where the documentation says "
                    f"{d.expect} (known: {entry.reason})"
                )
                verdict = "explained" if verdict == "match" else verdict
            else:
                verdict = "mismatch"
                notes.append(
                    f"step {n + 1}: Wine gives {row.wine} where the case claims "
                    f"{d.expect}, and no known difference says why"
                )
    if observed is not None and len(observed) != len(documented):
        verdict = "mismatch"
        notes.append(f"Wine recorded {len(observed)} steps, the model {len(documented)}")
    return CaseResult(case.name, case.source, rows, verdict, notes)


def run_suite(
    cases: list[Scenario],
    observations: dict[str, object],
    known: dict[tuple[str, int], Known],
    semantics: Semantics | None = None,
) -> list[CaseResult]:
    recorded = observations.get("cases", {})
    assert isinstance(recorded, dict)
    return [compare(c, recorded.get(c.name), known, semantics) for c in cases]
