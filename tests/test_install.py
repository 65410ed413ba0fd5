"""The built wheel carries the bundled FAQ and the word vectors, and answers from any
directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from faqcli import vectors

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True,
    )  # fmt: skip
    (built,) = out.glob("faqcli-*.whl")
    return built


def test_wheel_contains_the_faq_the_vectors_and_the_console_script(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert "faqcli/data/faq.json" in names
        assert zf.read("faqcli/data/vectors.bin") == vectors.DATA.read_bytes()
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "faq = faqcli.launch:main" in zf.read(entry_points).decode()
        assert b'"why-defect-now"' in zf.read("faqcli/data/faq.json")


def test_installed_wheel_answers_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
         str(wheel)],
        check=True,
    )  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        f"import sys; sys.path.insert(0, {str(site)!r}); import faqcli; "
        f"assert faqcli.__file__.startswith({str(site)!r}); "
        "from faqcli import vectors; assert vectors.default() is not None; "
        "sys.argv = ['faq', 'ask', 'Why did the North Korean soldier flee?']; "
        "from faqcli.cli import main; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "[why-defect-now, score" in result.stdout
