"""`template`: an empty sheet to fill in, for clinics that keep answers in a spreadsheet, or an
answers file (JSON) with every field unanswered."""

from __future__ import annotations

import enum
import sys
from typing import Annotated

import typer
from screener.cli.main import Command, app, choice_of, handled_errors

from screener.errors import InputError


class TemplateKind(str, enum.Enum):
    csv = "csv"
    json = "json"


class Delimiter(str, enum.Enum):
    comma = ","
    semicolon = ";"


@app.command(cls=Command)
def template(
    kind: Annotated[
        TemplateKind,
        typer.Argument(
            parser=choice_of(TemplateKind),
            help="csv: a spreadsheet with one column per answers field; json: an answers file with every field, unanswered (null).",
            metavar="KIND",
        ),
    ],
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write the sheet to this file instead of stdout.", metavar="FILE")
    ] = None,
    delimiter: Annotated[
        Delimiter, typer.Option("--delimiter", parser=choice_of(Delimiter), help="Between cells: , or ; (what Excel uses where , is the decimal mark).")
    ] = Delimiter.comma,
) -> None:
    """Write an empty answers sheet (csv): a header row naming every column, ready to fill in; or
    an answers file (json) with every field, each null (not answered), valid as it is.

    Each column is an answers field by its JSON path (age, alcohol.drinks_per_week,
    labs.potassium.value...). alcohol.drinks_per_week is US standard drinks (14 g of alcohol
    each) a week; for UK units (8 g each) fill alcohol.units_per_week instead. Fill one row per person: leave a cell empty when not answered,
    separate list items with ; and write none for an empty list. `batch`, `validate` and `screen`
    read the sheet saved as CSV. A file written with -o starts with a byte order mark, so that
    Excel opens it as UTF-8 and keeps it so when saved.
    """
    from screener.batch.csv_answers import write_template

    if kind is TemplateKind.json:
        _json_template(output)
        return
    with handled_errors():
        if output in (None, "-"):
            write_template(sys.stdout, delimiter=delimiter.value)
            return
        try:
            with open(output, "w", encoding="utf-8-sig", newline="") as out:
                write_template(out, delimiter=delimiter.value)
        except OSError as error:
            raise InputError(f"cannot write {output}: {error.strerror or error}") from None
    typer.echo(f"mgk-screen: wrote an empty answers sheet to {output}", err=True)
    typer.echo(f"mgk-screen: {DRINKS_COLUMN_NOTE}", err=True)


#: What the alcohol columns count, said where a sheet is made (a UK clinic types units).
DRINKS_COLUMN_NOTE = (
    "alcohol.drinks_per_week is US standard drinks (14 g of alcohol each) a week; for UK units (8 g each) "
    "fill alcohol.units_per_week instead"
)


def _json_template(output: str | None) -> None:
    import json

    from screener.batch.json_template import answers_template, left_as_null

    text = json.dumps(answers_template(), indent=2) + "\n"
    with handled_errors():
        if output in (None, "-"):
            sys.stdout.write(text)
            return
        try:
            with open(output, "w", encoding="utf-8") as out:
                out.write(text)
        except OSError as error:
            raise InputError(f"cannot write {output}: {error.strerror or error}") from None
    typer.echo(f"mgk-screen: wrote an answers file with every field unanswered (null) to {output}", err=True)
    typer.echo(f"mgk-screen: {left_as_null()}", err=True)
    typer.echo(f"mgk-screen: {DRINKS_COLUMN_NOTE}", err=True)
