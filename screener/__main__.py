"""`python -m screener` runs the mgk-screen command."""

from screener.cli.main import main

main()
