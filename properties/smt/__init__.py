"""The z3 twin of the executable semantics, and the proofs built on it.

``state`` declares a bounded symbolic world (P processes x H handle values, S sockets, K share
records per non-IFS provider); ``twin`` gives each action of ``models.semantics`` as a function
from a symbolic state to (enabled, error, value, next state), with the same names; ``mutations``
are the seeded bugs of ``models.variants`` that change the transition relation, each overriding
one method as its Python counterpart does; ``invariants`` mirrors ``properties.invariants`` and
states the strengthening; ``concrete`` maps a Python ``World`` into the twin and back;
``crosscheck`` compares the two step by step; ``induction`` and ``bmc`` are the proofs.

``parametric`` proves the reference-count invariant for a world of any size (any number of
processes, handle values, sockets and share records): ghost counts with transfer lemmas about
finite cardinalities, the lemmas themselves checked against explicit sums and by induction on
the length of a sum, and each operation linked to the twin's own helper at small bounds.  The
bounded induction covers every invariant and every action, error paths included, within its
bounds; the parameterised proof covers the reference bookkeeping at every size.
"""
