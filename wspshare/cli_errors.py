"""The error a command raises for bad input, and the exit statuses every command uses.

`wspshare.cli.main` prints a `UsageError` in one line on stderr and exits with `EXIT_USAGE`.
"""

EXIT_OK = 0
EXIT_FOUND = 1  # a violation, a counterexample, a failed proof: the answer, not an error
EXIT_USAGE = 2  # bad input: a flag, a value or a file
EXIT_INTERNAL = 70  # a bug of wspshare itself (sysexits' EX_SOFTWARE)
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports a process ended by SIGINT


class UsageError(Exception):
    """Bad input on the command line: a flag, a value, or a file."""
