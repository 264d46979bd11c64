"""`ask`'s terminal and files: one line of reply in, wrapped messages out; the answers file checked
before the first question and written atomically, with another chance when writing fails.

Saving never loses answers: `--save PATH` is checked before the first question (a folder that does
not exist, a folder as the file, a device, a read-only place), and when writing still fails at the
end, the person is told why and asked for another path, or shown the answers as JSON to copy.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screener.cli.main import echo

from screener.errors import InputError, OutputError

if TYPE_CHECKING:
    from rich.console import Console

    from screener.interview import Interview

_UNBROKEN = "\uf8ff"  # a private-use character standing in for a space the wrapping must keep
_YES = frozenset({"y", "yes", "yeah", "yep", "ok", "please"})
_NO = frozenset({"n", "no", "nope"})


class Terminal:
    """Questions out, one line of reply in. Replies read from a pipe are echoed after the
    prompt, so that a scripted session reads like the conversation it was."""

    def __init__(self, console: Console, plain: bool) -> None:
        self.console = console
        self.plain = plain
        self.interactive = sys.stdin is not None and sys.stdin.isatty()
        self.echo = not self.interactive

    def say(
        self,
        text: str = "",
        style: str = "",
        *,
        wrap: bool = True,
        indent: int = 0,
        hang: int = 0,
        keep: Sequence[str | Path] = (),
    ) -> None:
        """One message, wrapped to the terminal between words (continuation lines ``hang``
        deeper), never inside one of the ``keep`` texts (a file name with a space in it);
        ``wrap=False`` for a line to copy as it is."""
        from screener.render import wrap as wrapped

        if wrap:
            for whole in map(str, keep):
                text = text.replace(whole, whole.replace(" ", _UNBROKEN))
            text = "\n".join(wrapped(line, self.console.width, indent, hang) for line in text.split("\n"))
            text = text.replace(_UNBROKEN, " ")
        self.console.print(
            text, style=(style or None) if not self.plain else None, markup=False, highlight=False, soft_wrap=True
        )

    def say_command(self, lead: str, command: str, style: str = "", *, keep: Sequence[str | Path] = ()) -> None:
        """``lead`` (wrapped) and a command to copy, on the same line when both fit, else the
        command on a line of its own: a terminal never breaks it in the middle of a word."""
        if len(lead) + 1 + len(command) <= self.console.width:
            self.say(f"{lead} {command}", style, wrap=False)
            return
        self.say(lead, style, keep=keep)
        self.say(f"  {command}", style, wrap=False)

    def command_lines(self, lead: str, command: str) -> int:
        """How many lines ``say_command`` takes."""
        from screener.render import wrap as wrapped

        if len(lead) + 1 + len(command) <= self.console.width:
            return 1
        return wrapped(lead, self.console.width).count("\n") + 2

    def read(self, prompt: str = "> ") -> str:
        """One line; EOFError at the end of input, KeyboardInterrupt on Ctrl-C. A prompt wider
        than the terminal is wrapped between words, its last line left for the reply."""
        *before, prompt = self.prompt_text(prompt)
        for line in before:
            self.console.print(line, markup=False, highlight=False)
        self.console.print(prompt, end="", markup=False, highlight=False)
        self.console.file.flush()
        line = input()
        if self.echo:
            self.console.print(line, markup=False, highlight=False)
        return line

    def prompt_text(self, prompt: str) -> list[str]:
        """``prompt`` as the lines ``read`` shows it (the last one ends with a space)."""
        from screener.render import wrap as wrapped

        if len(prompt) <= self.console.width:
            return [prompt]
        lines = wrapped(prompt.rstrip(), self.console.width - 1).split("\n")
        return [*lines[:-1], lines[-1] + " "]

    def yes_or_no(self, question: str, *, default: bool | None = None, keep: Sequence[str | Path] = ()) -> bool:
        """A yes or a no; with a ``default``, Enter gives it (and the question says so)."""
        enter = "" if default is None else f"; Enter means {'yes' if default else 'no'}"
        self.say(f"{question} (yes or no{enter})", keep=keep)
        while True:
            reply = self.read().strip().lower().rstrip(".!")
            if reply in _YES:
                return True
            if reply in _NO:
                return False
            if not reply and default is not None:
                return default
            self.say("Please type yes or no.", "yellow")


def quoted(path: Path) -> str:
    """A path as it must be typed in a shell command: "my answers.json" becomes 'my answers.json'."""
    return shlex.quote(str(path))


def check_writable(path: Path) -> None:
    """Refuse, before any question, a place the answers could not be saved in (``InputError``)."""
    hint = "choose another file with --save, for example --save answers.json"
    if path.is_dir():
        raise InputError(f"cannot save the answers in {path}: it is a folder", hint=hint)
    if path.exists() and not path.is_file():
        raise InputError(f"cannot save the answers in {path}: it is not a regular file", hint=hint)
    folder = Path(os.path.realpath(path)).parent  # a symlink's target is what is written
    if not folder.is_dir():
        raise InputError(f"cannot save the answers in {path}: the folder {folder} does not exist", hint=hint)
    if path.exists() and not os.access(path, os.W_OK):
        raise InputError(f"cannot save the answers in {path}: the file is read-only", hint=hint)
    try:  # the real test: can a file be made there (read-only file systems, permissions, quotas)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{path.name}.", suffix=".check"):
            pass
    except OSError as error:
        raise InputError(f"cannot save the answers in {path}: {error.strerror or error}", hint=hint) from None


def holds_answers(path: Path) -> bool:
    """Whether ``path`` is a file with something in it (that --save would replace)."""
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


def same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def agree_to_replace(path: Path, term: Terminal) -> bool:
    """Before the first question: ``path`` holds answers, so replacing them needs a yes (Enter
    and the end of the input keep them). After a no, says how to carry on from that file instead,
    or to choose another name; returns whether to go on."""
    term.say(f"{path} already holds answers.", keep=[path])
    try:
        replace = term.yes_or_no("Replace it with your new answers when you finish?", default=False)
    except EOFError:  # piped replies that say nothing to this: no
        term.say()
        replace = False
    if not replace:
        term.say(f"{path} is left as it is. To carry on from those answers:", "yellow", keep=[path])
        term.say(f"  mgk-screen ask --resume {quoted(path)}", "yellow", wrap=False)
        term.say("or choose another file name with --save.", "yellow")
    return replace


def write_answers(path: Path, answers: dict[str, Any]) -> str | None:
    """Write an answers file as every output is written (``write_atomically``: an interruption
    never leaves half a file; a symlink's target is written; a new file is readable by its owner
    only, a replaced one keeps its mode); None when written, else why not."""
    from screener.batch.writers import write_atomically

    if path.exists() and not path.is_file():
        return "it is not a regular file"  # a device or a pipe: never what --save means
    try:
        write_atomically(str(path), json.dumps(with_id(path, answers), indent=2, ensure_ascii=False) + "\n")
    except OutputError as error:
        return error.message.removeprefix(f"cannot write {path}: ")
    return None


def with_id(path: Path | None, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers saved in ``path`` with an id, for a batch of saved files to tell people apart:
    the file's name without its suffix ("rita" for rita.json), unless they have one (a resumed
    file's is kept). As they are when they were not saved (``path`` None)."""
    if path is None or answers.get("id") is not None:
        return answers
    return {"id": path.stem[:MAX_ID_LENGTH], **answers}


#: The longest id the answers take (the contract's ``id``: 1 to 128 characters).
MAX_ID_LENGTH = 128


def save(path: Path, answers: dict[str, Any]) -> bool:
    """Write the answers, or say on stderr why they could not be written."""
    problem = write_answers(path, answers)
    if problem is not None:
        echo(f"mgk-screen: {path}: cannot save the answers ({problem})", err=True)
    return problem is None


def save_at_end(target: Path, answers: dict[str, Any], term: Terminal) -> Path | None:
    """Save the finished answers; when that fails, say why and ask for another file name, or
    print the answers as JSON to copy. The path saved in, or None when only printed."""
    problem = write_answers(target, answers)
    if problem is None:
        term.say(f"Your answers are saved in {target}.", keep=[target])
        return target
    term.say(f"Your answers could not be saved in {target} ({problem}).", "yellow", keep=[target])
    try:
        path = save_in_typed_file(term, answers, "Type another file name to save them in, or press Enter to see them here as JSON to copy.")
    except (EOFError, KeyboardInterrupt):
        path = None
    if path is None:
        term.say(json.dumps(answers, indent=2, ensure_ascii=False), wrap=False)
        return None
    term.say(f"Your answers are saved in {path}.", keep=[path])
    return path


def save_in_typed_file(term: Terminal, answers: dict[str, Any], invitation: str) -> Path | None:
    """Ask for a file name (``invitation`` says what Enter does) until the answers are saved in
    one: a file that already holds answers is replaced only after a yes, and a file that cannot be
    written is said so, with another chance. The path saved in, or None after Enter. EOFError and
    KeyboardInterrupt are the caller's."""
    term.say(invitation)
    while True:
        name = term.read().strip()
        if not name:
            return None
        path = Path(name).expanduser()  # typed at our prompt, not a shell's: "~" is not expanded for us
        if holds_answers(path) and not term.yes_or_no(
            f"{path} already holds answers. Replace them with these?", default=False, keep=[path]
        ):
            term.say(f"{path} is left as it is. {invitation}", keep=[path])
            continue
        problem = write_answers(path, answers)
        if problem is None:
            return path
        term.say(f"They could not be saved in {path} ({problem}). {invitation}", "yellow", keep=[path])


def offer_save(interview: Interview, term: Terminal, target: Path | None, *, why: str = "Stopped.") -> None:
    """After Ctrl-C (or Ctrl-D at a keyboard): say ``why``, and offer to save the answers so far,
    to carry on later."""
    term.say()
    term.say(why, "" if why == "Stopped." else "yellow")
    if not interview.started:
        return
    answers = interview.answers_so_far
    try:
        if target:
            if not term.yes_or_no(f"Save your answers so far in {target}, so that you can carry on later?", keep=[target]):
                term.say("Not saved.")
                return
            path: Path | None = target if save(target, answers) else None
        else:
            path = save_in_typed_file(
                term,
                answers,
                "Save your answers so far, so that you can carry on later? Type a file name, or press Enter to "
                "leave without saving.",
            )
            if path is None:
                term.say("Not saved.")
                return
    except (EOFError, KeyboardInterrupt):
        term.say()
        term.say("Not saved.")
        return
    if path is not None:
        term.say(f"Saved in {path}. Carry on later with:", keep=[path])
        term.say(f"  mgk-screen ask --resume {quoted(path)}", wrap=False)
        say_unsaved(interview, term)


def say_unsaved(interview: Interview, term: Terminal) -> None:
    """After the answers so far are saved: the answers a saved file cannot hold yet (the first of
    the three alcohol questions, saved only with the other two) are said, not silently lost."""
    for note in interview.unsaved_notes:
        term.say(f"Not saved: {note}", "yellow")


#: The pager's own prompt (less), instead of its bare ":". In less's prompt language a colon and
#: a full stop are special, so the words use neither.
PAGER_PROMPT = "Space for the next page, b to go back, q to return to your result"


@contextlib.contextmanager
def pager_prompt() -> Iterator[None]:
    """While the pager is open, less shows how to move and how to come back (unless the person
    has set LESS themselves); the environment is restored afterwards."""
    if "LESS" in os.environ:
        yield
        return
    os.environ["LESS"] = f"-R -Ps{PAGER_PROMPT}"
    try:
        yield
    finally:
        os.environ.pop("LESS", None)
