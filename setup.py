"""Install the repository's top-level folders under the one import name ``wspshare``.

The repository keeps ``models/``, ``sim/`` and ``properties/`` at its top level, where a reader
expects them, but a distribution must not install generic names such as ``models`` at the top of
site-packages. Each folder is therefore mapped to a subpackage (``models/`` is ``wspshare.models``),
and subpackages are found afresh at every build, so a new folder needs no edit here.
"""

from setuptools import find_packages, setup

PORTIONS = ("models", "sim", "properties")

setup(
    package_dir={"wspshare": "wspshare", **{f"wspshare.{name}": name for name in PORTIONS}},
    packages=[
        *find_packages(include=["wspshare", "wspshare.*"]),
        *(f"wspshare.{package}" for package in find_packages(include=[f"{n}*" for n in PORTIONS])),
    ],
)
