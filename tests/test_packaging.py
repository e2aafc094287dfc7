"""The distribution installs one import name, ``wspshare``, and nothing generic beside it.

The repository keeps ``models/``, ``sim/`` and ``properties/`` at its top level; a wheel built
from it must carry them as ``wspshare.models``, ``wspshare.sim`` and ``wspshare.properties``, so
that installing wspshare never shadows (or is shadowed by) someone else's ``models`` package.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

# Slow (minutes on two cores) and checked by .ci/run's slow tier, not by the plain pytest.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
PORTIONS = ("models", "sim", "properties")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(REPO)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    (built,) = out.glob("wspshare-*.whl")
    return built


def test_the_wheel_holds_only_the_wspshare_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"wspshare"}


def test_every_module_of_the_tree_is_in_the_wheel(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"wspshare/{path.relative_to(REPO / portion).as_posix()}".replace(
            "wspshare/", f"wspshare/{portion}/", 1
        )
        for portion in PORTIONS
        for path in (REPO / portion).rglob("*.py")
    }
    expected |= {
        path.relative_to(REPO).as_posix() for path in (REPO / "wspshare").rglob("*.py")
    }
    assert expected - names == set()


def test_the_installed_wheel_imports_beside_a_project_with_generic_names(
    wheel: Path, tmp_path: Path
) -> None:
    """Installed into its own folder and run from a folder that has packages called ``models``,
    ``sim`` and ``properties`` of its own, wspshare imports its own modules and the project
    keeps its."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    installed = {p.name for p in target.iterdir() if p.name != "bin"}
    assert {n for n in installed if not n.endswith(".dist-info")} == {"wspshare"}
    project = tmp_path / "project"
    for name in PORTIONS:
        (project / name).mkdir(parents=True)
        (project / name / "__init__.py").write_text(f"WHOSE = 'the project {name}'\n")
    deps = os.pathsep.join(p for p in sys.path if p.endswith("site-packages"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(project), str(target), deps])}
    code = (
        "import models, sim, properties, wspshare.models.kernel, wspshare.sim.engine\n"
        "import wspshare.properties.checker, wspshare.cli\n"
        "assert models.WHOSE == 'the project models' and sim.WHOSE == 'the project sim'\n"
        f"assert wspshare.models.kernel.__file__.startswith({str(target)!r})\n"
        "print(wspshare.cli.version())\n"
    )
    done = subprocess.run(
        [sys.executable, "-s", "-c", code], cwd=project, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() not in ("", "unknown (not installed)")
