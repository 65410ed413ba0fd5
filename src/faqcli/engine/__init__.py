"""The matching engine: rank FAQ entries for a query and score them 0-100.

Pure functions and data, no I/O of its own: the CLI, the benchmarks and the tests all
call it. The one thing it reads is the word-vector table shipped inside the package
(``faqcli.vectors``, mapped once on first use), a part of the engine like the
stemmer's rules, never a user's file. One module per stage:

- ``text``: normalisation, words, stems, letter sequences;
- ``analysis``: entries to terms and BM25 impacts; the :class:`Index` ranking reads;
- ``meaning``: the :class:`Meaning` interface and the word-vector component;
- ``rank``: query words -> candidates -> lexical -> meaning -> evidence;
- ``coverage``: which words of a question an entry explains, and what each carries;
- ``confidence``: evidence to a probability (the score);
- ``explanation``: why an answer, and what its score is made of (``explain``);
- ``settings``: the defaults, one set for every FAQ.
"""

from typing import TYPE_CHECKING

from faqcli.engine.analysis import Analysis, Index, MemoryIndex, analyse
from faqcli.engine.confidence import Evidence, contributions, probability
from faqcli.engine.coverage import WordCoverage
from faqcli.engine.meaning import Meaning, WordVectorMeaning
from faqcli.engine.rank import (
    Assessment,
    Match,
    assess,
    is_confident,
    nearly_tied,
    order,
    rank,
)
from faqcli.engine.settings import DEFAULTS, Settings, Weights
from faqcli.engine.text import normalise, stem, words

if TYPE_CHECKING:
    from faqcli.engine.explanation import Explanation, Part, explain


def __getattr__(name: str) -> object:
    # ``explain`` is imported when --explain asks for it, not on every `faq ask`.
    if name in ("Explanation", "Part", "explain"):
        from faqcli.engine import explanation as module

        return getattr(module, name)
    raise AttributeError(name)


__all__ = [
    "DEFAULTS",
    "Analysis",
    "Assessment",
    "Evidence",
    "Explanation",
    "Index",
    "Match",
    "Meaning",
    "MemoryIndex",
    "Part",
    "Settings",
    "Weights",
    "WordCoverage",
    "WordVectorMeaning",
    "analyse",
    "assess",
    "contributions",
    "explain",
    "is_confident",
    "nearly_tied",
    "normalise",
    "order",
    "probability",
    "rank",
    "stem",
    "words",
]
