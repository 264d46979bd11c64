"""The README's Layout is the code's layering: each folder imports only from the folders listed
before it, never from one listed after it (lazy imports inside functions count; imports made
for type checking alone do not, since they never run)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def layout_order() -> list[str]:
    """The places of the README's Layout block, ground first: "screener/errors.py", "screener/batch", "cli"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Layout", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    places = [m[1].rstrip("/") for m in re.finditer(r"^((?:screener/[\w.]+|cli)/?)\s", block, re.M)]
    return [place.removesuffix(".py") for place in places]


def place_of(module: str, order: list[str]) -> str | None:
    """The Layout place a dotted module name belongs to (``screener.cli`` is ``cli/``)."""
    path = "cli" if module == "screener.cli" or module.startswith("screener.cli.") else module.replace(".", "/")
    matches = [place for place in order if path == place or path.startswith(place + "/")]
    return max(matches, key=len) if matches else None


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[0] == "cli":
        parts[0:1] = ["screener", "cli"]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def runtime_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import that can run: top level and inside functions, not under
    ``if TYPE_CHECKING:``. Relative imports are made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for branch in child.orelse:
                    visit(branch)
                continue
            if isinstance(child, ast.Import):
                found.extend((child.lineno, alias.name) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                found.append((child.lineno, base))
                found.extend((child.lineno, f"{base}.{alias.name}") for alias in child.names)
            visit(child)

    visit(tree)
    return [(line, name) for line, name in found if name == "screener" or name.startswith("screener.")]


def test_the_layout_names_every_folder_of_the_library_once() -> None:
    order = layout_order()
    assert len(order) == len(set(order)), order
    folders = {f"screener/{p.name}" for p in (ROOT / "screener").iterdir() if p.is_dir() and any(p.glob("*.py"))}
    modules = {f"screener/{p.stem}" for p in (ROOT / "screener").glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert folders | modules | {"cli"} <= set(order), sorted(folders | modules | {"cli"} - set(order))


def test_nothing_imports_a_folder_listed_after_its_own() -> None:
    order = layout_order()
    rank = {place: number for number, place in enumerate(order)}
    upward = []
    files = [*ROOT.joinpath("screener").rglob("*.py"), *ROOT.joinpath("cli").rglob("*.py")]
    for path in sorted(files):
        if path.relative_to(ROOT).as_posix() in ("screener/__init__.py", "screener/__main__.py"):
            continue  # the package's face hands names on from every floor, lazily
        own = place_of(module_name(path), order)
        assert own is not None, f"{path.relative_to(ROOT)} is in no place of the Layout"
        for line, imported in runtime_imports(path):
            theirs = place_of(imported, order)
            if theirs is not None and rank[theirs] > rank[own]:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {imported} ({own} is below {theirs})")
    assert not upward, "\n".join(upward)
