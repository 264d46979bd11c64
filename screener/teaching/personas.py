"""Teaching personas: an answers file in ``examples/personas`` with its story in a sidecar ``NAME.md``.

The story's first line is a title, then paragraphs (discussion questions included).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screener.teaching.words import TeachingError, suggest

#: The package the personas are installed as (``examples/personas`` mapped into the wheel, and
#: the checkout's own folder in an editable install).
PERSONAS_PACKAGE = "screener.personas"


def shipped_personas() -> Path:
    """Where the shipped personas are: the installed package's folder (a plain folder on disk,
    as pip installs wheels)."""
    from importlib import resources

    try:
        folder = resources.files(PERSONAS_PACKAGE)
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "examples" / "personas"
    return Path(str(folder))


#: Where personas are looked for when no ``--examples DIR`` is given.
DEFAULT_PERSONAS = shipped_personas()


@dataclass(frozen=True)
class Persona:
    """One teaching case: an answers file and its story."""

    name: str
    title: str
    story: tuple[str, ...]  # paragraphs
    answers: dict[str, Any]
    path: Path


def personas_folder(examples: str | Path | None = None) -> Path:
    """The folder holding the personas: ``examples`` (or its ``personas/``), else the checkout's."""
    if examples is not None:
        folder = Path(examples)
        if (folder / "personas").is_dir():
            folder = folder / "personas"
        if not folder.is_dir():
            raise TeachingError(f"{examples}: not a folder", hint="--examples takes a folder of persona answers files")
        if not any(folder.glob("*.json")):
            raise TeachingError(f"{folder}: no persona answers files (*.json) in this folder")
        return folder
    folder = shipped_personas()
    if not folder.is_dir() or not any(folder.glob("*.json")):
        raise TeachingError(
            f"no personas found (looked in {folder})",
            hint="reinstall mgk-screen (the personas ship inside it), or point to a folder of personas with --examples DIR",
        )
    return folder


def list_personas(folder: Path) -> list[Persona]:
    """Every persona in the folder, by name."""
    return [_read_persona(path) for path in sorted(folder.glob("*.json"))]


def load_persona(name: str, folder: Path) -> Persona:
    """One persona by name (the file name without ``.json``), with "did you mean" when unknown.

    The persona's file given as a path (``examples/personas/NAME.json``) is read as its name.
    Only a persona inside ``folder`` is read: a name that is a path leading elsewhere
    (``../../secret``, ``/etc/passwd``) or a persona file that is a link to elsewhere is refused.
    """
    given = name
    if Path(name).suffix == ".json" and Path(name).resolve().parent == folder.resolve():
        name = Path(name).name  # the persona's own file, as a shell completes it: its name
    name = name.removesuffix(".json")
    path = folder / f"{name}.json"
    if path.resolve().parent != folder.resolve():
        raise TeachingError(
            f"{given}: not a persona of {folder}; demo reads only the personas in that folder",
            hint="`mgk-screen demo --list` lists them; --examples DIR reads the personas of another folder",
        )
    if not path.is_file():
        names = [p.stem for p in sorted(folder.glob("*.json"))]
        # As said aloud or copied from a title: "Runner with cramps only" is runner-with-cramps-only.
        spoken = re.sub(r"[\s_-]+", "-", name.strip().lower())
        if spoken in names:
            return _read_persona(folder / f"{spoken}.json")
        # The shipped personas' folder is deep in site-packages: naming it tells a teacher nothing.
        where = "" if folder.resolve() == shipped_personas().resolve() else f" in {folder}"
        raise TeachingError(
            f"no persona '{name}'{where}{suggest(name, names, also=_titled(name, folder))}",
            hint="`mgk-screen demo --list` lists the personas",
        )
    return _read_persona(path)


def _titled(words: str, folder: Path) -> list[str]:
    """The personas whose title holds every word given ("will not correct")."""
    wanted = re.sub(r"[\s_-]+", " ", words.lower()).split()
    return [persona.name for persona in list_personas(folder) if wanted and all(word in persona.title.lower() for word in wanted)]


def _read_persona(path: Path) -> Persona:
    from screener.errors import InputError

    try:
        answers = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: cannot read the persona ({error})") from None
    if not isinstance(answers, dict):
        raise InputError(f"{path}: a persona is one answers object")
    title = path.stem.replace("-", " ").capitalize()
    story: tuple[str, ...] = ()
    sidecar = path.with_suffix(".md")
    if sidecar.is_file():
        title, story = _parse_story(sidecar.read_text(encoding="utf-8"), title)
    return Persona(path.stem, title, story, answers, path)


def _parse_story(text: str, default_title: str) -> tuple[str, tuple[str, ...]]:
    lines = text.strip().splitlines()
    if not lines:
        return default_title, ()
    title = lines[0].lstrip("#").strip() or default_title
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines[1:], ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return title, tuple(paragraphs)
