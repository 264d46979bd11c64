"""`serve`: the questionnaire as a local web page (the `screener.web` app on uvicorn)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from screener.cli.main import AsOfOption, RulesOption, app, handled_errors

from screener.errors import ExitCode


@app.command()
def serve(
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on. The default, 127.0.0.1, is this computer only; any other address prints a warning.",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on (0 picks a free one).")] = 8000,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the page in the default browser once it is ready.")] = False,
    rules: RulesOption = None,
    trusted_issuers: Annotated[
        list[str] | None,
        typer.Option(
            "--cds-trusted-issuer",
            help="CDS Hooks: accept calls with a JWT from this issuer, ISSUER=JWKS (its key set's https URL or file). "
            "Repeatable. With any, calls without a valid JWT are refused (401).",
            metavar="ISSUER=JWKS",
        ),
    ] = None,
    cds_config: Annotated[
        Path | None,
        typer.Option(
            "--cds-config",
            help="CDS Hooks settings as a JSON file: trusted_issuers, base_url, as_of, allowed_origins, "
            "max_request_bytes, fhir_timeout_seconds, max_fhir_bytes.",
            metavar="FILE",
        ),
    ] = None,
    as_of: AsOfOption = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--cds-base-url",
            help="CDS Hooks: this server's public base URL as the EHR calls it (checked against the JWT's aud). "
            "Default: the URL each call was sent to.",
            metavar="URL",
        ),
    ] = None,
) -> None:
    """Serve the questionnaire as a web page on this computer, until Ctrl-C.

    The same questions, rules and explanations as `ask`, one question per page, usable with a
    keyboard alone, a screen reader, or a phone-sized screen, and with no JavaScript. The result
    page can be printed or saved as a PDF, and the answers downloaded as a valid answers file.
    Teaching examples (the personas of `demo`) open at /examples. A JSON API answers beside it (/api), and CDS Hooks services for EHRs (/cds-services:
    patient-view and order-select cards from the patient's record). Answers stay in this
    program's memory only, never on disk or in a log, and are forgotten after 30 minutes without
    use or when it stops. Needs the optional extra (from the clone: pip install '.[web]').

    Exit codes: 130 stopped with Ctrl-C; 2 the address cannot be used, or the web extra is not
    installed; 4 invalid rules or questionnaire.
    """
    from screener.web.server import serve as run

    def cds() -> Any:
        from screener.web.cds import cds_settings

        return cds_settings(cds_config, trusted_issuers or (), as_of, base_url)

    with handled_errors():
        try:
            run(host, port, rules=rules, open_browser=open_browser, say=lambda text: typer.echo(text, err=True), cds=cds)
        except KeyboardInterrupt:  # uvicorn stops cleanly, then passes Ctrl-C on
            typer.echo("mgk-screen: stopped; the answers it held are forgotten.", err=True)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
