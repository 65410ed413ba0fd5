"""Build faq's word-frequency table and the benchmark's list of unrelated nouns.

Run by hand, rarely; faq itself never needs anything this script imports:

    apt-get download wordnet-base && dpkg-deb -x wordnet-base_*.deb wn
    python -m venv /tmp/lexicon && /tmp/lexicon/bin/pip install wordfreq==3.1.1 -e .
    /tmp/lexicon/bin/python tools/build_lexicon.py --wordnet wn/usr/share/wordnet

It writes

1. ``src/faqcli/data/frequency-en.bin`` (``faqcli.frequencies``): for every stem of
   wordfreq's English word list (each word through faq's own tokeniser and stemmer, the
   frequencies of the words of one stem added up), its Zipf frequency, for the stems
   at least as common as ``--floor``;
2. ``benchmarks/swap_nouns.txt``: common nouns of concrete things, events and acts
   (WordNet 3.0's lexicographer files of artifacts, animals, foods, plants, objects,
   phenomena, substances, body parts, events and acts), in lower case in WordNet,
   with at least twice as many senses as a noun as as a verb or adjective, not ending
   in -ing, -ed or -ly, of Zipf frequency 3 to 5.2: the words
   ``benchmarks/contrast.py`` swaps into a question to make one the FAQ does not
   answer ("could more floods happen soon").

wordfreq's data is CC BY-SA 4.0 (see the README); WordNet 3.0 is Copyright 2006
Princeton University, used under the WordNet 3.0 license.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from wordfreq import top_n_list, word_frequency, zipf_frequency

from faqcli import frequencies
from faqcli.engine import stem, words

ROOT = Path(__file__).resolve().parent.parent
# WordNet's lexicographer files of things one can ask about (see the docstring).
CONCRETE = {"04", "05", "06", "08", "11", "13", "17", "19", "20", "27"}
# Nouns left out of the swap list: rude, or read as something else in a question.
UNWANTED = set(
    "ass anus arse bitch cock crap dick fuck penis piss pissing shit tit vibrator".split()
)


def stem_frequencies(language: str, floor: float) -> dict[str, float]:
    """Each stem's Zipf frequency: its words' frequencies added up."""
    totals: Counter[str] = Counter()
    for word in top_n_list(language, 10**6):
        tokens = words(word)
        if len(tokens) == 1:  # "don't" is two words to faq: its parts are counted alone
            totals[stem(tokens[0])] += word_frequency(word, language)
    zipfs = {s: math.log10(f * 1e9) for s, f in totals.items() if f > 0}
    return {s: z for s, z in zipfs.items() if z >= floor}


def _senses(wordnet: Path, part: str) -> dict[str, int]:
    counts = {}
    for line in (wordnet / f"index.{part}").read_text(encoding="latin-1").splitlines():
        if not line.startswith("  "):
            fields = line.split()
            counts[fields[0]] = int(fields[2])
    return counts


def swap_nouns(wordnet: Path) -> list[str]:
    """Common nouns of concrete things, events and acts (see the docstring)."""
    files: defaultdict[str, set[str]] = defaultdict(set)
    for line in (wordnet / "data.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):  # the licence header
            continue
        fields = line.split()
        for i in range(int(fields[3], 16)):
            lemma = fields[4 + 2 * i]
            if re.fullmatch("[a-z]{3,12}", lemma):  # lower case: not a name
                files[lemma].add(fields[1])
    nouns, verbs, adjectives = (_senses(wordnet, p) for p in ("noun", "verb", "adj"))
    return sorted(
        w
        for w, found in files.items()
        if found & CONCRETE
        and w not in UNWANTED
        and nouns.get(w, 0) >= 2 * (verbs.get(w, 0) + adjectives.get(w, 0))
        and not w.endswith(("ing", "ed", "ly"))  # read as a verb or an adverb
        and 3.0 <= zipf_frequency(w, "en") <= 5.2
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wordnet", type=Path, required=True, help="WordNet 3.0 dict folder")
    parser.add_argument("--floor", type=float, default=2.0, help="the rarest Zipf kept")
    args = parser.parse_args()
    zipfs = stem_frequencies("en", args.floor)
    stems = sorted(zipfs, key=str.encode)
    out = ROOT / "src/faqcli/data/frequency-en.bin"
    out.write_bytes(frequencies.encode(stems, [zipfs[s] for s in stems]))
    print(f"{out}: {len(stems)} stems", file=sys.stderr)
    nouns = swap_nouns(args.wordnet)
    listing = ROOT / "benchmarks/swap_nouns.txt"
    listing.write_text("\n".join(nouns) + "\n", encoding="utf-8")
    print(f"{listing}: {len(nouns)} nouns", file=sys.stderr)


if __name__ == "__main__":
    main()
