"""``--chain``: the layered providers (R16) a configuration runs through, top first.

``--chain non-ifs`` puts one non-IFS layer over the base provider (``--provider``), ``--chain
ifs,non-ifs`` an IFS layer over a non-IFS one over it, and so on; an IFS layer needs IFS handles
from below, so it sits over the ``ifs`` base or over IFS layers only.
"""

from __future__ import annotations

import argparse
from typing import Any

from wspshare.models.providers.layered import LAYER_KINDS

MAX_LAYERS = 4  # each layer adds a descriptor per process and socket, and the states grow


def chain_value(text: str) -> tuple[str, ...]:
    """A comma-separated list of layer kinds, top first."""
    layers = tuple(part.strip() for part in text.split(","))
    for kind in layers:
        if kind not in LAYER_KINDS:
            raise argparse.ArgumentTypeError(
                f"each layer is {' or '.join(LAYER_KINDS)}, top first, comma-separated; "
                f"got {kind!r}"
            )
    if len(layers) > MAX_LAYERS:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_LAYERS} layers (each one more multiplies the states), got {len(layers)}"
        )
    return layers


chain_value.__name__ = "chain"  # argparse names the type in its messages


def add_chain_option(p: argparse.ArgumentParser | Any) -> None:
    p.add_argument(
        "--chain",
        type=chain_value,
        metavar="LAYERS",
        help="layered providers over --provider, top first: ifs or non-ifs each, "
        "comma-separated (the layered configuration's default: non-ifs)",
    )
