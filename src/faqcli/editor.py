"""Editing an entry as JSON in the user's editor (``faq edit ID`` without options)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from faqcli import store
from faqcli.errors import FaqDataError, UsageError


def command() -> str:
    """The user's editor: ``$VISUAL``, else ``$EDITOR``, else vi."""
    return os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"


def edit_json(document: dict[str, Any], editor: str | None = None) -> dict[str, Any]:
    """Open ``document`` as JSON in ``editor`` and read back the one object it holds
    when the editor exits. A failed editor or text that is not one JSON object is an
    error; nothing is changed."""
    editor = editor or command()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{document.get('id', 'entry')}.json"
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
        try:
            status = subprocess.run([*shlex.split(editor), str(path)], check=False).returncode
        except (OSError, ValueError) as exc:  # ValueError: shlex on an unclosed quote
            raise UsageError(f"cannot run the editor {editor!r}: {exc}") from None
        if status != 0:
            raise UsageError(f"the editor exited with status {status}; nothing changed")
        edited = store.decode(store.read_text(path), "the edited entry")
    if not isinstance(edited, dict):
        raise FaqDataError("the edited entry: must be one JSON object; nothing changed")
    return edited
