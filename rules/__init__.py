"""The shipped clinical rules, vocabulary and texts (data files; installed as screener.rules)."""
