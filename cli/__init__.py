"""The mgk-screen command line (installed as screener.cli): a thin layer over the library."""

from __future__ import annotations

import signal
import sys

from screener.errors import ExitCode, Terminated


def main() -> None:
    """The ``mgk-screen`` entry point. Importing the command (typer, rich) takes a moment: Ctrl-C
    or SIGTERM then end it quietly (exit 130 or 143), never with a traceback of the imports."""

    def terminate(signum: int, frame: object) -> None:
        raise Terminated()

    signal.signal(signal.SIGTERM, terminate)
    try:
        from screener.cli.main import main as run
    except KeyboardInterrupt as stop:
        sys.exit(int(ExitCode.TERMINATED if isinstance(stop, Terminated) else ExitCode.INTERRUPTED))
    run()
