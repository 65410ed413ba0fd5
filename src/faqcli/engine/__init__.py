"""The matching engine: rank FAQ entries for a query and score them 0-100.

Pure functions and data, no I/O of its own: the CLI, the benchmarks and the tests all
call it. The one thing it reads is the word-vector table shipped inside the package
(``faqcli.vectors``, mapped once on first use), a part of the engine like the
stemmer's rules, never a user's file. One module per stage:

- ``text``: normalisation, words, stems, letter sequences;
- ``analysis``: entries to terms and BM25 impacts; the :class:`Index` ranking reads;
- ``meaning``: the :class:`Meaning` interface and the word-vector component;
- ``rank``: query words -> candidates -> lexical -> meaning -> evidence;
- ``confidence``: evidence to a probability (the score);
- ``explain``: why an answer, and what its score is made of;
- ``settings``: the defaults, one set for every FAQ.
"""

from faqcli.engine.analysis import Analysis, Index, MemoryIndex, analyse
from faqcli.engine.confidence import Evidence, contributions, probability
from faqcli.engine.explain import Explanation, Part, WordMatch, explain
from faqcli.engine.meaning import Meaning, WordVectorMeaning
from faqcli.engine.rank import Assessment, Match, assess, is_confident, nearly_tied, rank
from faqcli.engine.settings import DEFAULTS, Settings, Weights
from faqcli.engine.text import normalise, stem, words

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
    "WordMatch",
    "WordVectorMeaning",
    "analyse",
    "assess",
    "contributions",
    "explain",
    "is_confident",
    "nearly_tied",
    "normalise",
    "probability",
    "rank",
    "stem",
    "words",
]
