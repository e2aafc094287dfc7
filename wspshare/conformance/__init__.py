"""The conformance suite: sequential scenarios mined from public test suites, run in the model
and on a real Winsock (Wine), compared call by call (model-based testing)."""
