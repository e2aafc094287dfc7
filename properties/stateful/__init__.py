"""Hypothesis-driven checks of the executable semantics.

``ops`` is the vocabulary of things that can happen to a world (SPI calls with good and bad
arguments, process events, injected failures); ``driver`` applies them and checks every property
after each; ``machines`` wraps the driver (call level) and ``HandoffModel`` (scenario level) as
``RuleBasedStateMachine`` classes; ``run`` runs a machine against a seeded bug and returns the
shrunk failing history as a trace; ``profiles`` holds the ``ci`` and ``nightly`` settings.
"""
