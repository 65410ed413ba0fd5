"""Run a command without root's power to read and write any file.

The suite runs as root in CI, where ``chmod 000`` stops nothing. Tests about permissions
run their command in a subprocess that has dropped, with setpriv(1), the capabilities
that let root ignore a file's mode (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER).
It is still uid 0, so it reaches the test's virtual environment and temporary files
(which are root's, mode 0700), but mode bits now bind it as they bind any user. When
the suite does not run as root there is nothing to drop; a test skips only when it
runs as root and the capabilities cannot be dropped (no setpriv, or no CAP_SETPCAP).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

CAPS = "-dac_override,-dac_read_search,-fowner"


@functools.cache
def prefix() -> tuple[str, ...] | None:
    """The command prefix that drops root's file permission override; () when not root;
    None when root and it cannot be dropped here."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    command = (setpriv, f"--inh-caps={CAPS}", f"--bounding-set={CAPS}", "--")
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe"
        probe.write_text("x")
        probe.chmod(0)
        check = [*command, sys.executable, "-c", f"open({str(probe)!r}).read()"]
        result = subprocess.run(check, capture_output=True, text=True, check=False)
    return command if "PermissionError" in result.stderr else None


def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``subprocess.run(args)`` without the override, text in and out."""
    command = prefix()
    if command is None:
        pytest.skip("runs as root and cannot drop the capabilities that override file modes")
    return subprocess.run([*command, *args], capture_output=True, text=True, check=False, **kwargs)
