"""Proof time per invariant, and BMC time per depth.

    python benchmarks/bench_smt.py [--bound 3,2,8,2,2] [--config handoff] [--depth 8]
        [--variant accept-twice]

The induction runs every action against every invariant at the bound (the default is the
issue's: 3 processes, 2 threads each, 8 handle values, 2 sockets, 2 shares per provider; about
40 s on an idle machine).  The parameterised proof of the reference count has no bound.  The
BMC runs the correct machine to ``--depth`` (every depth unsat), then the variant, which stops at
its shortest path.
"""

from __future__ import annotations

import argparse
import time

from wspshare.properties.smt.bmc import bmc, bounds_for
from wspshare.properties.smt.induction import prove
from wspshare.properties.smt.parametric import prove_parametric
from wspshare.properties.smt.variants import semantics_for, twin_for

from wspshare.commands.prove import bounds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bound", type=bounds, default=bounds("3,2,8,2,2"))
    p.add_argument("--config", default="handoff")
    p.add_argument("--depth", type=int, default=8)
    p.add_argument("--variant", default="accept-twice")
    p.add_argument("--skip-prove", action="store_true")
    args = p.parse_args()
    if not args.skip_prove:
        start = time.perf_counter()
        result = prove(twin_for("correct", args.bound))
        print(f"induction at {args.bound}: {'proved' if result.holds else 'NOT proved'}")
        for name, seconds in result.seconds.items():
            print(f"  {name:22} {seconds:8.1f}s")
        print(f"  {'total':22} {time.perf_counter() - start:8.1f}s")
    start = time.perf_counter()
    unbounded = prove_parametric(twin_for("correct", args.bound))
    verdict = "proved" if unbounded.holds else "NOT proved"
    print(f"parameterised reference count (any size): {verdict}")
    print(f"  {'total':22} {time.perf_counter() - start:8.1f}s")
    b = bounds_for(args.config)
    for variant in ("correct", args.variant):
        r = bmc(twin_for(variant, b), semantics_for(variant, b), args.config, args.depth)
        found = f"path of {len(r.path)}" if r.path is not None else "no path"
        if r.unknown_at is not None:
            found = f"no path to depth {r.unknown_at - 1}, depth {r.unknown_at} timed out"
        print(f"bmc {args.config} {variant} (depth <= {args.depth}): {found}")
        for k, seconds in enumerate(r.seconds_per_depth):
            print(f"  depth {k:2} {seconds:7.2f}s")


if __name__ == "__main__":
    main()
