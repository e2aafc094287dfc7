"""The error a command raises for bad input; ``wspshare.cli.main`` prints it in one line, exit 2."""


class UsageError(Exception):
    """Bad input on the command line: a flag, a value, or a file."""
