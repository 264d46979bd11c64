"""`python -m screener` runs the mgk-screen command."""

from screener.cli import main

main()
