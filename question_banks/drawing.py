"""Drawing a paper from a rule: pure functions over plain data, so they are easy to prove fair.

Every random choice comes from `random.Random(seed)`; the seed is stored on the attempt, so
the same seed over the same pool always gives the same paper (ARCHITECTURE.md rule 3).

Fairness (rule 4): a section asks for exact counts per difficulty; each count is drawn
uniformly without replacement from the questions eligible for that section and difficulty,
so every paper has the same count, points and difficulty mix, and within a stratum every
question is equally likely to appear.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

DIFFICULTIES = (1, 2, 3)


@dataclass(frozen=True)
class PoolQuestion:
    id: int
    version_id: int
    qtype: str
    difficulty: int
    category_path: str = ""
    tags: tuple[str, ...] = ()
    shuffle_options: bool = True
    option_keys: tuple[str, ...] = ()
    # For case questions: the option keys of each sub-question.
    sub_option_keys: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class SectionSpec:
    qtype: str
    points_each: Decimal
    counts: dict[int, int]  # difficulty -> how many
    category_paths: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    title: str = ""

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    def admits(self, q: PoolQuestion) -> bool:
        if q.qtype != self.qtype:
            return False
        if self.category_paths and not any(
            q.category_path.startswith(p) for p in self.category_paths
        ):
            return False
        return not self.tags or bool(set(self.tags) & set(q.tags))


@dataclass(frozen=True)
class DrawnItem:
    question_id: int
    version_id: int
    section: int
    points: Decimal
    option_order: list = field(hash=False)


@dataclass(frozen=True)
class Shortage:
    """Section `section` (0-based) lacks `short` questions of `difficulty` (need vs available)."""

    section: int
    difficulty: int
    need: int
    available: int

    @property
    def short(self) -> int:
        return self.need - self.available


class PoolTooSmall(Exception):
    def __init__(self, shortages: list[Shortage]):
        super().__init__(shortages)
        self.shortages = shortages


def _strata(sections: Sequence[SectionSpec], pool: Iterable[PoolQuestion]):
    """The eligible question ids of every (section, difficulty), in a stable order."""
    pool = list(pool)
    strata = {}
    for index, section in enumerate(sections):
        admitted = [q for q in pool if section.admits(q)]
        for difficulty in DIFFICULTIES:
            strata[index, difficulty] = sorted(q.id for q in admitted if q.difficulty == difficulty)
    return strata


def check_rule(sections: Sequence[SectionSpec], pool: Iterable[PoolQuestion]) -> list[Shortage]:
    """Shortages that could make some draw fail; empty means every seed draws a full paper.

    Sections are drawn in order without replacement, so a stratum may lose to earlier strata
    whose pools overlap it at most what they take from the overlap. Requiring room for that
    worst case is sufficient for every seed, and exact when strata do not overlap.
    """
    strata = _strata(sections, pool)
    order = [(s, d) for s in range(len(sections)) for d in DIFFICULTIES]
    shortages = []
    for position, (s, d) in enumerate(order):
        need = sections[s].counts.get(d, 0)
        if not need:
            continue
        mine = set(strata[s, d])
        reserved = sum(
            min(sections[s2].counts.get(d2, 0), len(mine.intersection(strata[s2, d2])))
            for s2, d2 in order[:position]
        )
        available = len(mine) - reserved
        if available < need:
            shortages.append(Shortage(s, d, need, max(available, 0)))
    return shortages


def _option_order(q: PoolQuestion, rng: random.Random) -> list:
    if q.sub_option_keys:
        return [_shuffled(keys, q.shuffle_options, rng) for keys in q.sub_option_keys]
    return _shuffled(q.option_keys, q.shuffle_options, rng)


def _shuffled(keys: Sequence[str], shuffle: bool, rng: random.Random) -> list[str]:
    keys = list(keys)
    if shuffle:
        rng.shuffle(keys)
    return keys


def draw_paper(
    sections: Sequence[SectionSpec],
    pool: Iterable[PoolQuestion],
    seed: int,
    avoid: Iterable[int] = (),
) -> list[DrawnItem]:
    """Draw one paper. `avoid` holds question ids to leave out where the pool allows
    (a retake avoids the previous paper), falling back to them only to fill a stratum."""
    pool = list(pool)
    by_id = {q.id: q for q in pool}
    strata = _strata(sections, pool)
    avoid = set(avoid)
    rng = random.Random(seed)
    used: set[int] = set()
    paper: list[DrawnItem] = []
    shortages = []
    for index, section in enumerate(sections):
        chosen: list[int] = []
        for difficulty in DIFFICULTIES:
            need = section.counts.get(difficulty, 0)
            if not need:
                continue
            candidates = [i for i in strata[index, difficulty] if i not in used]
            fresh = [i for i in candidates if i not in avoid]
            if len(candidates) < need:
                shortages.append(Shortage(index, difficulty, need, len(candidates)))
                continue
            if len(fresh) >= need:
                picked = rng.sample(fresh, need)
            else:
                stale = [i for i in candidates if i in avoid]
                picked = fresh + rng.sample(stale, need - len(fresh))
            used.update(picked)
            chosen.extend(picked)
        rng.shuffle(chosen)
        for qid in chosen:
            q = by_id[qid]
            paper.append(
                DrawnItem(
                    qid, q.version_id, index, Decimal(section.points_each), _option_order(q, rng)
                )
            )
    if shortages:
        raise PoolTooSmall(shortages)
    return paper


def fixed_paper(items: Sequence[tuple[PoolQuestion, Decimal]], seed: int) -> list[DrawnItem]:
    """A hand-picked paper keeps its order; options are still shuffled where allowed."""
    rng = random.Random(seed)
    return [
        DrawnItem(q.id, q.version_id, 0, Decimal(points), _option_order(q, rng))
        for q, points in items
    ]


def split_by_percent(total: int, percents: Sequence[int]) -> list[int]:
    """30/50/20 of 70 questions -> exact counts summing to 70 (largest remainder)."""
    raw = [total * p / 100 for p in percents]
    counts = [int(r) for r in raw]
    remainders = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in remainders[: total - sum(counts)]:
        counts[i] += 1
    return counts
