"""The mgk-screen command line (installed as screener.cli): a thin layer over the library."""
