"""Running the command line in-process and looking at what it printed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import pytest

from wspshare.cli import main


class Run(NamedTuple):
    code: int
    out: str
    err: str


Runner = Callable[[Sequence[str]], Run]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Runner:
    def go(argv: Sequence[str]) -> Run:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return go


def assert_one_line_usage_error(result: Run, *fragments: str) -> None:
    """Exit 2, exactly one line on stderr, no traceback, and the line names what is wrong."""
    assert result.code == 2, result
    assert result.err.count("\n") == 1 and result.err.startswith("wspshare"), result.err
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)
