"""The ``faq`` console script (and ``python -m faqcli``): the first code of faq to run.

Before anything heavy is imported, Ctrl-C already ends faq quietly with exit 130, as it
does once the command line runs (``faqcli.cli.main`` has its own handling): importing
the command line takes long enough for a Ctrl-C to land in it, and Python would print
a KeyboardInterrupt traceback from inside an import. Keep this module small: it
imports nothing but what Python has already loaded at start-up.
"""

from __future__ import annotations

import os
import signal
import sys

INTERRUPTED = 130  # faqcli.errors.ExitCode.INTERRUPTED, not imported: it is not loaded yet


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C while faq starts: nothing is written yet, nothing to undo."""
    os._exit(INTERRUPTED)


def main() -> None:
    """Run ``faq``: Ctrl-C exits 130 from here on, without a traceback. A plain question
    is answered by ``faqcli.fast``; the rest by the full command line."""
    signal.signal(signal.SIGINT, _interrupted)
    from faqcli import fast

    signal.signal(signal.SIGINT, signal.default_int_handler)  # faq's own handling now
    try:
        code = fast.main(sys.argv[1:])  # a plain question: answered without the CLI
        if code is not None:
            sys.exit(code)
        from faqcli import cli

        cli.main()
    except KeyboardInterrupt:  # in the moment before cli.main's own handling
        sys.exit(INTERRUPTED)
