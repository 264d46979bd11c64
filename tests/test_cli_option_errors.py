"""A wrong value for an option or argument that takes one of a fixed set of choices gets our
message: what was given, every choice, and the closest one when it is close (never the library's
"Value error, ..."). Exit 2, as for every usage error."""

from __future__ import annotations

import enum
import typing
from collections.abc import Iterator

import pytest
import typer
from screener.cli.main import app
from typer.models import ArgumentInfo, OptionInfo
from typer.testing import CliRunner

runner = CliRunner()


def _enum_in(annotation: object) -> type[enum.Enum] | None:
    """The Enum a parameter annotation takes (``Detail``, ``FailOn | None``), or None."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            return candidate
    return None


ChoiceParameter = tuple[tuple[str, ...], str, type[enum.Enum]]


def _choice_parameters(group: typer.Typer, path: tuple[str, ...] = ()) -> Iterator[ChoiceParameter]:
    """(command path, option name or "" for an argument, Enum) of every Enum-typed parameter
    of every command, read from the commands' own signatures so that a new one is covered too."""
    for command in group.registered_commands:
        callback = command.callback
        assert callback is not None
        name = command.name or callback.__name__.replace("_", "-")
        for parameter, hint in typing.get_type_hints(callback, include_extras=True).items():
            if typing.get_origin(hint) is not typing.Annotated:
                continue
            choices = _enum_in(typing.get_args(hint)[0])
            info = next((meta for meta in hint.__metadata__ if isinstance(meta, (OptionInfo, ArgumentInfo))), None)
            if choices is None or info is None:
                continue
            yield (*path, name), _option_name(parameter, info), choices
    for sub in group.registered_groups:
        assert sub.typer_instance is not None and sub.name is not None
        yield from _choice_parameters(sub.typer_instance, (*path, sub.name))


def _option_name(parameter: str, info: OptionInfo | ArgumentInfo) -> str:
    """An option's long name ("" for an argument). In ``Annotated[..., typer.Option("--x", "-x")]``
    typer takes the first name from ``default``."""
    if not isinstance(info, OptionInfo):
        return ""
    names = [*([info.default] if isinstance(info.default, str) else []), *info.param_decls]
    return next((name for name in names if name.startswith("--")), "--" + parameter.replace("_", "-"))


CHOICE_PARAMETERS = sorted(_choice_parameters(app), key=lambda found: (found[0], found[1]))


def test_every_choice_parameter_is_found() -> None:
    found = {(" ".join(command), option or "argument") for command, option, _ in CHOICE_PARAMETERS}
    assert {
        ("batch", "--format"),
        ("batch", "--fail-on"),
        ("batch", "--detail"),
        ("schema", "argument"),
        ("fhir questionnaire", "--version"),
        ("template", "argument"),
        ("template", "--delimiter"),
        ("report", "--paper"),
    } <= found


@pytest.mark.parametrize(
    ("command", "option", "choices"),
    CHOICE_PARAMETERS,
    ids=[f"{' '.join(command)} {option or 'argument'}" for command, option, _ in CHOICE_PARAMETERS],
)
def test_a_wrong_choice_is_named_with_every_choice(
    command: tuple[str, ...], option: str, choices: type[enum.Enum]
) -> None:
    run = runner.invoke(app, [*command, *([option] if option else []), "zzz"])
    assert run.exit_code == 2, run.output
    message = run.stderr.strip().splitlines()[-1]
    assert "Value error" not in run.stderr and "{" not in run.stderr
    assert message.startswith("Error: Invalid value for '")
    assert "'zzz' is not one of: " in message
    listed = message.split("is not one of: ", 1)[1]
    assert all(str(choice.value) in listed for choice in choices), message


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["template", "xlsx"], "Error: Invalid value for 'KIND': 'xlsx' is not one of: csv"),
        (
            ["batch", "x.json", "--fail-on", "likley"],
            "'likley' is not one of: possible, likely, routine, soon, urgent, emergency (did you mean 'likely'?)",
        ),
        (["schema", "answer"], "'answer' is not one of: answers, result (did you mean 'answers'?)"),
        (["fhir", "questionnaire", "--version", "r4"], "'r4' is not one of: R4, R5 (did you mean 'R4'?)"),
        (["template", "csv", "--delimiter", "|"], "'|' is not one of: ',', ';'"),
    ],
)
def test_a_wrong_choice_reads_as_a_sentence(arguments: list[str], message: str) -> None:
    run = runner.invoke(app, arguments)
    assert run.exit_code == 2
    assert message in run.stderr


def test_template_usage_names_its_argument_kind_and_help_lists_the_choices() -> None:
    run = runner.invoke(app, ["template", "--help"])
    assert run.exit_code == 0
    assert "Usage: mgk-screen template [OPTIONS] KIND" in run.output
    assert "<,|;>" in run.output and "csv" in run.output


def test_help_still_lists_the_choices_of_options() -> None:
    batch = runner.invoke(app, ["batch", "--help"]).output
    assert "<jsonl|json|csv|parquet|fhir>" in batch and "<lean|full>" in batch
    assert "possible, likely" in batch and "routine, soon, urgent, emergency" in " ".join(batch.split())
    assert "<R4|R5>" in runner.invoke(app, ["fhir", "questionnaire", "--help"]).output
    assert "<a4|letter>" in runner.invoke(app, ["report", "--help"]).output


def test_a_right_choice_still_reaches_the_command() -> None:
    run = runner.invoke(app, ["template", "csv", "--delimiter", ";"])
    assert run.exit_code == 0 and run.stdout.startswith("id;age;")
