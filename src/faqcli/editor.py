"""Editing an entry as JSON in the user's editor (``faq edit ID`` without options).

An edit that is refused (text that is not JSON, an entry left invalid, an editor that
failed) loses nothing: :meth:`EditorSession.keep` saves the text in a draft file in the
user data folder, one per FAQ and entry, and the next ``faq edit ID`` offers to reopen
it. An edit that succeeds deletes the draft.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from faqcli import store
from faqcli.errors import FaqDataError, UsageError, io_error
from faqcli.model import id_key


def command() -> str:
    """The user's editor: ``$VISUAL``, else ``$EDITOR``, else vi; a variable that is
    blank counts as unset (split into no words, it would run the file as the program)."""
    chosen = (os.environ.get(name, "").strip() for name in ("VISUAL", "EDITOR"))
    return next((value for value in chosen if value), "vi")


def has_terminal() -> bool:
    """Whether an editor can run here: standard input and output are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def draft_path(faq_path: Path, entry_id: str) -> Path:
    """Where a refused edit of ``entry_id`` in the FAQ at ``faq_path`` is kept: a file
    named after the entry, with a key of the FAQ's resolved path and the id (so that two
    FAQs, or two ids with one slug, never share one)."""
    typed = id_key(entry_id).encode("utf-8", "surrogatepass")  # one id however composed
    key = hashlib.sha256(os.fsencode(faq_path.resolve()) + b"\0" + typed).hexdigest()[:12]
    return store.user_data_dir() / "drafts" / f"{store.slugify(entry_id)}-{key}.json"


class Kept(NamedTuple):
    """Where a refused edit was saved: ``path`` (None: nowhere could be written, for
    the reason ``why``), and whether the next ``faq edit`` offers to reopen it."""

    path: Path | None
    reopens: bool
    why: str = ""


class EditorSession:
    """One ``faq edit ID`` in ``$EDITOR``: called with the entry as a dict, it returns
    the edited one. ``reopen(draft)`` is asked, when a refused edit of this entry is
    kept, whether to start from it (True) or from the entry as it is (False)."""

    def __init__(
        self,
        faq_path: Path,
        entry_id: str,
        reopen: Callable[[Path], bool],
        editor: str | None = None,
    ) -> None:
        self.draft = draft_path(faq_path, entry_id)
        self.reopen = reopen
        self.editor = editor or command()
        self.original = b""  # the entry as JSON, as the editor was given it
        self.text: bytes | None = None  # what the editor left, once it has run

    def __call__(self, document: dict[str, Any]) -> dict[str, Any]:
        if not has_terminal():
            msg = "no terminal for an editor: change the entry with --question, --answer"
            raise UsageError(f"{msg}, --add-alternate or --tag (see 'faq edit --help')")
        original = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        self.original = original.encode("utf-8")
        start = self._kept_text() or original
        name = store.slugify(str(document.get("id", "entry")))
        status, self.text = run(self.editor, start, name)
        if status != 0:
            raise UsageError(f"the editor exited with status {status}; nothing changed")
        # Kept as bytes until here, so that a refused edit (not UTF-8 either) is kept.
        text = store.decode_text(self.text, "the edited entry")
        edited = store.decode(text, "the edited entry")
        if not isinstance(edited, dict):
            raise FaqDataError("the edited entry: must be one JSON object; nothing changed")
        return edited

    def _kept_text(self) -> str | None:
        """The text of a refused edit kept earlier, when the user wants it back. A draft
        that is not UTF-8 text (an editor saved it in another encoding) cannot be opened
        again, and is never deleted unseen: the user is told to mend it."""
        if not self.draft.is_file():
            return None
        try:
            text = store.read_text(self.draft)
        except FaqDataError as err:
            hint = "a refused edit of this entry is kept there: mend it or delete it"
            raise FaqDataError(f"{err.message}; {hint}, then edit again") from None
        return text if self.reopen(self.draft) else None

    def keep(self) -> Kept | None:
        """Save the editor's text as this entry's draft, when it ran and changed
        something (None when there was nothing to keep). When the drafts folder cannot
        be written (a read-only data folder, ``drafts`` a file), the text goes to a
        named file in the temporary folder instead, which the next edit does not offer;
        when that fails too, :class:`Kept` says why, so that the loss is never silent."""
        if self.text is None or self.text == self.original:
            return None
        try:
            self.draft.parent.mkdir(parents=True, exist_ok=True)
            self.draft.write_bytes(self.text)
        except OSError as exc:
            refused = f"{self.draft.parent}: {exc.strerror or exc}"
        else:
            return Kept(self.draft, reopens=True)
        try:
            handle, name = tempfile.mkstemp(prefix=f"faq-{self.draft.stem}-", suffix=".json")
            with os.fdopen(handle, "wb") as file:
                file.write(self.text)
        except OSError as exc:
            return Kept(None, reopens=False, why=f"{refused}; {exc.strerror or exc}")
        return Kept(Path(name), reopens=False, why=refused)

    def discard(self) -> None:
        """Delete the draft: the entry was edited (or left as it is) successfully."""
        with contextlib.suppress(OSError):  # a draft not deleted is only offered again
            self.draft.unlink(missing_ok=True)


def run(editor: str, text: str, name: str) -> tuple[int, bytes]:
    """Open ``text`` in ``editor`` as ``NAME.json``; its exit status and the bytes it
    left in the file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.json"
        path.write_text(text, "utf-8")
        try:
            status = subprocess.run([*shlex.split(editor), str(path)], check=False).returncode
        except (OSError, ValueError) as exc:  # ValueError: shlex on an unclosed quote
            raise UsageError(f"cannot run the editor {editor!r}: {exc}") from None
        if path.exists() and not path.is_file():  # a FIFO would block the read forever
            raise UsageError(f"the editor left {path} not a regular file; nothing changed")
        try:
            return status, path.read_bytes()
        except OSError as exc:  # the editor removed or replaced the file
            raise io_error(path, exc) from None
