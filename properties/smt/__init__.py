"""The z3 twin of the executable semantics, and the proofs built on it.

``state`` declares a bounded symbolic world (P processes x H handle values, S sockets, K share
records per non-IFS provider); ``twin`` gives each action of ``models.semantics`` as a function
from a symbolic state to (enabled, error, value, next state), with the same names; ``mutations``
are the seeded bugs of ``models.variants`` that change the transition relation, each overriding
one method as its Python counterpart does; ``invariants`` mirrors ``properties.invariants`` and
states the strengthening; ``concrete`` maps a Python ``World`` into the twin and back;
``crosscheck`` compares the two step by step; ``induction`` and ``bmc`` are the proofs.

Not done: the parameterised (quantified) proof of the reference-count invariant for any number
of processes and descriptors.  Why it is not a small step: the invariant equates a count with
the *cardinality* of a set of (process, value) pairs, which first-order logic cannot define; a
quantified encoding needs a ghost count function plus axioms saying how a cardinality changes
when one element is added or removed (and, for process exit, when a whole row goes), and those
axioms are exactly where the bugs live, so they would be assumed rather than proved.  What is
proved instead is the bounded induction, for every state up to the bounds given to
``wspshare prove`` (see its output and ``benchmarks/bench_smt.py`` for the largest bound closed).
"""
