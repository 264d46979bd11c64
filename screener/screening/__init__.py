"""The screening chain: answers → normalised facts → rules engine → findings → result.

- ``ruleset``: loading and checking a rule folder (``rules/``): steps, facts, rules, vocabulary;
  what a loaded folder holds is ``ruleset_model``, what its files must satisfy together ``ruleset_checks``;
- ``conditions``: the rule condition language, compiled to durable-rules patterns;
- ``engine``: the only module that imports durable-rules, and where its sharp edges are contained;
- ``medications``: matching medicine names against the vocabulary;
- ``normalise``: answers to input facts (arithmetic and vocabulary lookup only, no clinical decision);
- ``pipeline``: the ``Screener`` that runs the steps and builds the explained result.

Nothing here is imported at package import: ``mgk-screen --help`` must not load the engine.
"""
