"""The z3 twin of the executable semantics, and the proofs built on it.

``state`` declares a bounded symbolic world (P processes x H handle values, S sockets, K share
records per non-IFS provider); ``twin`` gives each action of ``models.semantics`` as a function
from a symbolic state to (enabled, error, next state), with the same names; ``mutations`` are the
seeded bugs of ``models.variants`` that change the transition relation, each overriding one method
as its Python counterpart does; ``invariants`` mirrors ``properties.invariants``; ``concrete``
maps a Python ``World`` into the twin and back (the cross-check); ``induction``, ``bmc`` and
``param`` are the three proofs.
"""
