"""Near-duplicate stems, flagged on import so a trainer does not keep two copies of a question.

Stems are normalised (HTML stripped, full-width folded to half-width, punctuation and
whitespace removed, lower-cased) and compared as sets of character 3-grams with Jaccard
similarity, which suits Chinese (no word boundaries) as well as English.

Comparing every pair is quadratic; instead this uses prefix filtering (the "All-Pairs"
method): order the 3-grams rarest first; two sets with Jaccard >= t must share a 3-gram within
the first ``n - ceil(t*n) + 1`` of each, so only stems sharing a rare prefix 3-gram are
compared, and a length filter drops pairs whose sizes alone rule them out. Exact, and fast for
thousands of stems.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .text import plain_text

DEFAULT_THRESHOLD = 0.85
SHINGLE = 3


@dataclass(frozen=True)
class NearDuplicate:
    """`index` (a question of the file) is close to an earlier question of the same file
    (`other_index`) or to an existing question (`existing_key`, whatever key was passed in)."""

    index: int
    other_index: int | None
    existing_key: object | None
    similarity: float


def normalise(stem: str) -> str:
    text = unicodedata.normalize("NFKC", plain_text(stem)).lower()
    return text.translate(_DROPPED)


@functools.lru_cache(maxsize=16_384)
def normalised(stem: str) -> str:
    """normalise(), remembered: an import normalises each stem three times (the file's own
    check, the check against the bank, the stored key)."""
    return normalise(stem)


@functools.lru_cache(maxsize=16_384)
def _grams(stem: str) -> frozenset[str]:
    return shingles(normalised(stem))


class _Dropped(dict):
    """str.translate's table: punctuation, symbols, spaces and control characters dropped,
    each character's category looked up once per process rather than once per stem."""

    def __missing__(self, ch: int) -> int | None:
        keep = unicodedata.category(chr(ch))[0] not in "PSZC"
        self[ch] = ch if keep else None
        return self[ch]


_DROPPED = _Dropped()


def shingles(text: str) -> frozenset[str]:
    if len(text) <= SHINGLE:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of two stems' 3-gram sets (1.0 for the same normalised text)."""
    sa, sb = shingles(normalise(a)), shingles(normalise(b))
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def find_near_duplicates(
    stems: list[str],
    existing: Iterable[tuple[object, str]] | Iterable[str] = (),
    threshold: float = DEFAULT_THRESHOLD,
) -> list[NearDuplicate]:
    """Each stem of `stems` that is within `threshold` of an earlier stem or an existing one.

    `existing` is (key, stem) pairs or bare stems (then the key is the position).
    """
    existing_items = [
        (pos, item) if isinstance(item, str) else (item[0], item[1])
        for pos, item in enumerate(existing)
    ]
    # Records: (kind, key, shingles); kind 0 = existing, 1 = this file. Existing first so
    # every file stem meets them when it is probed.
    records = [(0, key, _grams(s)) for key, s in existing_items]
    records += [(1, i, _grams(s)) for i, s in enumerate(stems)]
    frequency = Counter(g for _, _, grams in records for g in grams)
    # Each 3-gram's place in the (frequency, 3-gram) order, worked out once for all stems.
    rank = {g: n for n, g in enumerate(sorted(frequency, key=lambda g: (frequency[g], g)))}

    def ordered(grams: frozenset[str]) -> list[str]:
        return sorted(grams, key=rank.__getitem__)

    index: dict[str, list[int]] = defaultdict(list)
    found: list[NearDuplicate] = []
    for rec_no, (kind, key, grams) in enumerate(records):
        if not grams:
            continue
        tokens = ordered(grams)
        size = len(tokens)
        prefix = size - math.ceil(threshold * size) + 1
        if kind == 1:
            candidates: set[int] = set()
            for g in tokens[:prefix]:
                candidates.update(index[g])
            for other in sorted(candidates):
                other_kind, other_key, other_grams = records[other]
                other_size = len(other_grams)
                if min(size, other_size) < threshold * max(size, other_size):
                    continue
                score = len(grams & other_grams) / len(grams | other_grams)
                if score >= threshold:
                    found.append(
                        NearDuplicate(
                            index=key,
                            other_index=other_key if other_kind == 1 else None,
                            existing_key=other_key if other_kind == 0 else None,
                            similarity=round(score, 4),
                        )
                    )
        for g in tokens[:prefix]:
            index[g].append(rec_no)
    return found
