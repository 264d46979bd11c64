"""`fhir`: the questionnaire as a FHIR Questionnaire, for any SDC form renderer."""

from __future__ import annotations

import enum
import json
from typing import Annotated

import typer
from screener.cli.main import RulesOption, app, choice_of, handled_errors

fhir_app = typer.Typer(
    help="HL7 FHIR: export the questionnaire. (Responses and EHR data are read by screen, batch and validate.)",
    no_args_is_help=True,
)
app.add_typer(fhir_app, name="fhir")


class FhirVersionChoice(str, enum.Enum):
    R4 = "R4"
    R5 = "R5"


@fhir_app.command()
def questionnaire(
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write the Questionnaire to this file instead of stdout.", metavar="FILE")
    ] = None,
    version: Annotated[FhirVersionChoice, typer.Option("--version", parser=choice_of(FhirVersionChoice), help="FHIR version of the resource.")] = FhirVersionChoice.R4,
    rules: RulesOption = None,
) -> None:
    """Write the questionnaire as an SDC Questionnaire (JSON), generated from the rule folder.

    Checked against the FHIR model before it is written, which needs the [fhir] extra
    (without it, the message gives the command that installs it).
    """
    from screener.cli.main import make_screener

    from screener.batch.writers import atomic_output
    from screener.fhir import build_questionnaire, fhir_context, validate_resource

    with handled_errors():
        context = fhir_context(make_screener(rules).ruleset)
        resource = build_questionnaire(context, version.value)
        # Checked before it is written: the message for a missing [fhir] extra names this task.
        validate_resource(resource, version.value, f"exporting the FHIR {version.value} Questionnaire (mgk-screen fhir questionnaire)")
        text = json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
        if output is None or output == "-":
            typer.echo(text, nl=False)
            return
        with atomic_output(output, hint="give a file name, such as questionnaire.json") as out:
            out.write(text)
    typer.echo(f"mgk-screen: wrote the {version.value} Questionnaire to {output}", err=True)
