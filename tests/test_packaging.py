"""The built wheel: the library, the mapped cli/rules packages and the data files, and nothing
installed as a generic top-level module."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("mgk_screen-*.whl")
    archive = zipfile.ZipFile(built)
    yield archive
    archive.close()


def test_the_wheel_holds_the_library_cli_rules_and_schemas(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    library = {f"screener/{path.relative_to(ROOT / 'screener').as_posix()}" for path in ROOT.joinpath("screener").rglob("*.py")}
    assert library <= names, sorted(library - names)  # every module of every capability folder
    for expected in (
        "screener/__init__.py",
        "screener/screening/engine.py",
        "screener/cli/main.py",
        "screener/rules/ruleset.json",
        "screener/rules/medications.json",
        "screener/schemas/answers.schema.json",
        "screener/schemas/result.schema.json",
        "screener/schemas/rules.schema.json",
    ):
        assert expected in names, expected
    rule_files = {Path(n).name for n in names if n.startswith("screener/rules/") and n.endswith(".json")}
    assert rule_files == {p.name for p in ROOT.joinpath("rules").glob("*.json")}


def test_the_wheel_holds_every_persona_and_its_story(wheel: zipfile.ZipFile) -> None:
    shipped = {Path(n).name for n in wheel.namelist() if n.startswith("screener/personas/")}
    source = {p.name for p in ROOT.joinpath("examples", "personas").iterdir() if p.suffix in (".json", ".md")}
    assert source and source <= shipped


def test_after_pip_install_demo_lists_the_personas_from_outside_the_source_tree(
    wheel: zipfile.ZipFile, tmp_path: Path
) -> None:
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(target), wheel.filename],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"  # no examples/ folder anywhere near
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}  # the installed copy, not the checkout
    listed = subprocess.run(
        [str(target / "bin" / "mgk-screen"), "demo", "--list"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    assert f"found in {target / 'screener' / 'personas'}" in " ".join(listed.stdout.split())
    assert "older-adult-on-furosemide-with-cramps" in listed.stdout
    demo = subprocess.run(
        [str(target / "bin" / "mgk-screen"), "demo", "runner-with-cramps-only"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert demo.returncode == 0, demo.stderr
    assert "Combined magnesium and potassium depletion: UNLIKELY" in demo.stdout


def test_the_wheel_holds_every_report_template(wheel: zipfile.ZipFile) -> None:
    names = {name for name in wheel.namelist() if name.startswith("screener/reports/templates/")}
    source = ROOT / "screener" / "reports" / "templates"
    expected = {f"screener/reports/templates/{path.relative_to(source).as_posix()}" for path in source.rglob("*") if path.is_file()}
    assert expected and names == expected


def test_the_wheel_installs_no_generic_top_level_module(wheel: zipfile.ZipFile) -> None:
    top_level = {name.split("/")[0] for name in wheel.namelist() if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"screener"}


def test_the_wheel_declares_the_console_script(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    assert "mgk-screen = screener.cli:main" in wheel.read(entry_points).decode()


def test_help_answers_without_loading_the_engine_or_pydantic() -> None:
    code = "import sys; from screener.cli.main import app; print(sorted(m for m in ('pydantic', 'jsonschema', 'durable_rules_engine') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_python_in_a_clone_after_a_plain_pip_install_screens_with_the_checkouts_rules(tmp_path: Path) -> None:
    # A notebook or `python -m screener.spark` started in the clone's root imports ./screener before
    # the installed copy, and rules/, cli/ and examples/personas sit beside it there. -S leaves out
    # this venv's editable-install finder: only the checkout and the dependencies are on the path.
    dependencies = [path for path in sys.path if path.endswith("site-packages")]
    code = (
        f"import sys; sys.path.extend({dependencies!r}); import importlib.resources as resources; "
        "from screener import Screener; import screener.cli.main; "
        "print(Screener().screen({'age': 72, 'medications': ['Lasix']}).combined_depletion, "
        "resources.files('screener.personas').joinpath('runner-with-cramps-only.json').is_file())"
    )
    done = subprocess.run([sys.executable, "-S", "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["possible", "True"]
