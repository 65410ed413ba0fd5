"""Run ``faq`` on a real pseudo-terminal, as a person at a terminal would: stdin,
stdout and stderr are the terminal (so ``isatty()`` is true, readline edits lines and
Ctrl-C reaches the process group), read with timeouts."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ANSI = re.compile(
    r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[=>()][0-9A-B]?"
)


def plain(text: str) -> str:
    """Terminal output without escape sequences and carriage returns."""
    return ANSI.sub("", text).replace("\r", "")


def faq_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a faq on the terminal: its user folders in ``tmp_path``, no
    FAQ_FILE, no pager or readline settings of the person running the tests."""
    env = {k: v for k, v in os.environ.items() if k not in ("FAQ_FILE", "MANPAGER", "PAGER")}
    env.update(
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
        TERM="xterm-256color",
        INPUTRC=os.devnull,
        NO_COLOR="1",
        FAQ_LOG_MISSES="",
        FAQ_LOG_ANSWERS="",
    )
    env.update(extra)
    return env


def _controlling_terminal() -> None:
    """In the child: a session of its own, with the pseudo-terminal as its terminal."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """``python -m faqcli ARGS`` on a pseudo-terminal of ``rows`` x ``cols``."""

    def __init__(
        self,
        args: list[str],
        env: dict[str, str],
        rows: int = 24,
        cols: int = 100,
        stdout: Path | None = None,
    ) -> None:
        """``stdout``: a file for standard output instead of the terminal."""
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        out = open(stdout, "wb") if stdout else None  # noqa: SIM115 (closed below)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "faqcli", *args],
            stdin=slave,
            stdout=out or slave,
            stderr=slave,
            env=env,
            preexec_fn=_controlling_terminal,
        )
        os.close(slave)
        if out:
            out.close()
        self.raw = ""  # everything the terminal has shown so far
        self.seen = 0  # how much of it expect() has consumed

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the process has gone and closed the terminal
            return False
        self.raw += data.decode("utf-8", "replace")
        return bool(data)

    @property
    def output(self) -> str:
        return plain(self.raw)

    def expect(self, text: str, timeout: float = 30.0) -> str:
        """Wait until ``text`` appears after what was expected before; the output up to
        and including it (escape sequences removed)."""
        deadline = time.monotonic() + timeout
        while True:
            shown = plain(self.raw)
            found = shown.find(text, self.seen)
            if found >= 0:
                before, self.seen = shown[self.seen : found + len(text)], found + len(text)
                return before
            left = deadline - time.monotonic()
            if left <= 0 or (not self._read(min(left, 0.5)) and self.proc.poll() is not None):
                code = self.proc.poll()
                msg = f"never saw {text!r} (exit code {code}); the terminal shows:"
                raise AssertionError(f"{msg}\n{self.raw!r}")

    def send(self, text: str) -> None:
        os.write(self.master, text.encode("utf-8"))

    def wait(self, timeout: float = 30.0) -> int:
        """The exit code, once the process ends (its output read meanwhile)."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        while self._read(0.05):
            pass
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            raise AssertionError(f"still running; the terminal shows:\n{self.output}")
        return self.proc.returncode

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
