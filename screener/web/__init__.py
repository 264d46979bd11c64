"""The questionnaire as a local web page, and a JSON API beside it (`mgk-screen serve`).

Needs the optional extra ``pip install '.[web]'`` (from the clone) (FastAPI, uvicorn, python-multipart,
Jinja2). Nothing here is imported by the rest of the package.

    from screener.web.app import create_app     # the FastAPI app, to serve or to mount more routers on
    from screener.web.server import serve       # what `mgk-screen serve` runs

- ``app``: ``create_app`` and the shared ``WebContext``; ``security``: headers, body limit, logs, CSRF;
- ``sessions``: answers in memory, per session, expiring; ``forms``: questions as form controls;
- ``pages``, ``results``, ``api``: the routers; ``render``: the templates; ``reading``: one answers
  document from bytes, read and checked as the CLI does; ``server``: uvicorn on this computer.
"""
