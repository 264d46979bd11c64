"""The teaching personas (answers files and their stories; installed as screener.personas, so that
`mgk-screen demo` finds them after a plain `pip install`). This folder is their one source."""
