"""Issue 24, item 5: a FAQ that says its language ("language": "es") is read in it: its
stemmer and function words, no English word vectors or frequencies (the words-only
calibration). A FAQ without one is read as English, exactly as before."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from faqcli.engine import MemoryIndex, text
from faqcli.errors import ExitCode
from faqcli.model import Entry

Run = Callable[..., Result]

FOUR = [
    {"id": "envio", "question": "¿Cuánto tarda el envío de un pedido?",
     "answer": "De 2 a 3 días laborables."},
    {"id": "horario", "question": "¿Cuál es el horario de atención?",
     "answer": "De lunes a viernes, de 9 a 18 h."},
    {"id": "devolucion", "question": "¿Cómo devuelvo un producto?",
     "answer": "Desde tu cuenta, en 30 días."},
    {"id": "pago", "question": "¿Qué formas de pago aceptan?",
     "answer": "Tarjeta, transferencia y PayPal."},
]  # fmt: skip


def ask_json(run: Run, path: Path, question: str) -> tuple[int, Any]:
    result = run("--faq", str(path), "ask", "--json", question)
    return result.exit_code, json.loads(result.stdout)


def test_a_spanish_faq_is_read_in_spanish(run: Run, write_faq: Any) -> None:
    spanish = write_faq({"language": "es", "entries": FOUR}, "es.json")
    english = write_faq({"entries": FOUR}, "en.json")
    code, doc = ask_json(run, spanish, "cuánto tardan los envíos")
    assert (code, doc["answer"]["id"]) == (0, "envio")
    as_english = ask_json(run, english, "cuánto tardan los envíos")[1]
    assert as_english["answer"] is None  # plurals and verb forms stemmed as English
    assert as_english["matches"][0]["score"] < 20 < doc["answer"]["score"]
    # Ranked first, though not answered at the default threshold (see the README).
    assert ask_json(run, spanish, "horarios de atención al cliente")[1]["matches"][0]["id"] == (
        "horario"
    )


@pytest.mark.parametrize(("value", "ok"), [("es", True), ("es-MX", True), ("DE", True),
                                           ("en", True), ("xx", False), (3, False)])  # fmt: skip
def test_the_language_must_be_one_faq_reads(run: Run, write_faq: Any, value: Any, ok: bool) -> None:
    path = write_faq({"language": value, "entries": FOUR})
    result = run("--faq", str(path), "list")
    if ok:
        assert result.exit_code == 0, result.stderr
        return
    assert result.exit_code == ExitCode.DATA
    assert "'language'" in result.stderr and "is not one faq reads (en, es, de" in result.stderr


def _large(path: Path, language_first: bool) -> Path:
    """A Spanish FAQ over the size that is indexed on disk (64 KiB)."""
    entries = [dict(e) for e in FOUR]
    for n in range(400):
        entries.append({"id": f"relleno-{n}", "question": f"¿Qué pasa con el artículo {n}?",
                        "answer": f"El artículo {n} se vende en tiendas. " * 3})  # fmt: skip
    doc = {"language": "es", "entries": entries} if language_first else {
        "entries": entries, "language": "es"}  # fmt: skip
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert path.stat().st_size > 64 * 1024
    return path


@pytest.mark.parametrize("language_first", [True, False])
def test_a_large_faq_s_index_is_read_in_its_language_as_without_the_cache(
    run: Run, tmp_path: Path, language_first: bool
) -> None:
    path = _large(tmp_path / "big.json", language_first)
    for question in ("cuánto tardan los envíos", "formas de pago", "devolver un producto"):
        cached = run("--faq", str(path), "ask", "--json", question).stdout
        again = run("--faq", str(path), "ask", "--json", question).stdout  # from the file
        fresh = run("--no-cache", "--faq", str(path), "ask", "--json", question).stdout
        assert cached == again == fresh
    assert json.loads(cached)["matches"][0]["id"] == "devolucion"
    assert list((tmp_path / "xdg-cache").rglob("*"))  # the index was written, and read


def test_an_english_index_after_a_spanish_one_is_english_again() -> None:
    MemoryIndex([Entry("e", "¿Cuánto tarda el envío?", "Dos días.")], language="es")
    assert text.stem("envios") == "envi"
    MemoryIndex([Entry("d", "Why did he defect?", "Because.")])
    assert text.stem("defecting") == "defect"
    assert "the" in text.FUNCTION_WORDS and "el" not in text.FUNCTION_WORDS


def test_init_language_starts_an_empty_faq_read_in_it(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "es.json"
    created = run("init", "--language", "es", str(path))
    assert created.exit_code == 0, created.stderr
    assert json.loads(path.read_text(encoding="utf-8")) == {"language": "es", "entries": []}
    for entry in FOUR:
        assert (
            run("--faq", str(path), "add", "-q", entry["question"], "-a", entry["answer"]).exit_code
            == 0
        )
    assert json.loads(path.read_text(encoding="utf-8"))["language"] == "es"  # kept by writes
    code, doc = ask_json(run, path, "cuánto tardan los envíos")
    assert code == 0 and doc["answer"]["question"] == "¿Cuánto tarda el envío de un pedido?"
    refused = run("init", "--language", "xx", str(tmp_path / "xx.json"))
    assert refused.exit_code == ExitCode.USAGE
    assert (
        refused.stderr == "faq: --language 'xx': not one faq reads (en, es, de, fr, it, pt, nl)\n"
    )


def test_an_import_into_an_empty_faq_takes_the_language_its_entries_are_plainly_in(
    run: Run, tmp_path: Path, write_faq: Any
) -> None:
    source = write_faq({"entries": FOUR * 1}, "source.json")
    more = [{"question": q, "answer": "Sí."} for q in (
        "¿Dónde está la tienda más cercana?", "¿Cómo cambio la dirección de entrega?",
        "¿Puedo pagar con tarjeta de crédito?", "¿Qué hago si el pedido llega roto?")]  # fmt: skip
    source.write_text(json.dumps({"entries": FOUR + more}, ensure_ascii=False), encoding="utf-8")
    empty = tmp_path / "empty.json"
    run("init", "--empty", str(empty))
    before = empty.read_bytes()
    dry = run("--faq", str(empty), "import", "--dry-run", str(source))
    assert "the entries are in language 'es': the FAQ is read in it" in dry.stderr
    assert empty.read_bytes() == before  # a dry run says it, and writes nothing
    result = run("--faq", str(empty), "import", str(source))
    assert result.exit_code == 0, result.stderr
    assert "the entries are in language 'es': the FAQ is read in it" in result.stderr
    assert list(json.loads(empty.read_text(encoding="utf-8"))) == ["language", "entries"]
    # Into an English FAQ with entries: only said, never set.
    english = write_faq({"entries": [{"id": "x", "question": "Where is it?", "answer": "Here."}]},
                        "english.json")  # fmt: skip
    said = run("--faq", str(english), "import", str(source))
    assert "look like language 'es'" in said.stderr
    assert "language" not in json.loads(english.read_text(encoding="utf-8"))
    # English entries into an empty FAQ: nothing said, nothing set.
    other = tmp_path / "other.json"
    run("init", "--empty", str(other))
    plain = write_faq({"entries": [{"question": "How do I pay for my order?", "answer": "Card."},
                                   {"question": "Where is the office?", "answer": "Here."}]},
                      "plain.json")  # fmt: skip
    quiet = run("--faq", str(other), "import", str(plain))
    assert quiet.stderr == "" and "language" not in json.loads(other.read_text(encoding="utf-8"))
