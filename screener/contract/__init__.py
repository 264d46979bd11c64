"""The public contract: one respondent's answers in, one screening result out.

- ``answers``: the answers model (every field optional: missing means "not answered", never "no");
- ``result``: the result model and the batch entry for an invalid record;
- ``validation``: JSON Schema validation with JSON paths and "did you mean";
- ``data_files``: strict reading of the project's own data files (the rule folder's);
- ``publish``: the published schemas in ``screener/schemas``, generated from the models
  (``python -m screener.contract --write``).

Nothing here is imported at package import: ``mgk-screen --help`` must not load pydantic.
"""
