"""Checking resources against the FHIR models of ``fhir.resources`` (the optional ``[fhir]`` extra).

Used where one resource is written (the exported Questionnaire) and by the tests; never per
record in batch mode, where it would cost far more than the screening itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from screener.errors import ExitCode, ScreenerError
from screener.extras import install_command

_PACKAGES = {"R4": "fhir.resources.R4B", "R5": "fhir.resources"}


class MissingExtraError(ScreenerError):
    """An optional part is not installed; the message names the command that installs it."""

    exit_code = ExitCode.USAGE


class InvalidResourceError(ScreenerError):
    """A resource we built does not validate against the FHIR model (a bug)."""

    exit_code = ExitCode.UNEXPECTED


def fhir_model(resource_type: str, version: str = "R4", purpose: str = "checking FHIR resources") -> Any:
    """The fhir.resources model class of a resource type (R4: the R4B models, which R4 resources
    fit). ``purpose`` names the task in the message when the [fhir] extra is missing."""
    package = _PACKAGES[version]
    try:
        module = importlib.import_module(f"{package}.{resource_type.lower()}")
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith("fhir"):
            raise MissingExtraError(f"{purpose} needs the optional 'fhir' extra (fhir.resources is not installed): {install_command('fhir')}") from None
        raise
    return getattr(module, resource_type)


def validate_resource(resource: Mapping[str, Any], version: str = "R4", purpose: str = "checking FHIR resources") -> None:
    """Raise ``InvalidResourceError`` unless ``resource`` validates against its FHIR model
    (``purpose``: the task, for the message when the [fhir] extra is missing)."""
    from pydantic import ValidationError

    model = fhir_model(str(resource.get("resourceType")), version, purpose)
    try:
        model.model_validate(dict(resource))
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:10])
        raise InvalidResourceError(f"the {resource.get('resourceType')} does not fit the FHIR {version} model: {problems}") from None
