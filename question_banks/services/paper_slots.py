"""What saving an answer needs to know about a paper: for each position, the item to write
and the option letters a valid answer may use (never which option is right).

A drawn paper never changes, and an exam day saves an answer every few seconds per
examinee, so the slots are read once per paper with one plain query, kept in the cache
(Redis: shared by every web process, until the exam is long over) and, since they cannot go
stale, also in each process's memory. Papers drawn ahead at publishing are cached then, so
neither the 9:00 starts nor the first saves read them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from config.process_memory import register_reset

# Longer than any exam (with its grace and a resumed attempt), short enough not to pile up.
SLOTS_SECONDS = 12 * 3600
# Papers kept in this process's memory (about 10 KB each with 100 questions).
_MEMORY_PAPERS = 5000
_memory: dict[int, dict[int, tuple]] = {}


@dataclass(frozen=True)
class PaperSlot:
    """One position of a paper. Quacks like a QuestionVersion for validate_answer."""

    item_id: int
    qtype: str
    options: list[dict]
    sub_questions: list[dict] | None


def _key(attempt_id: int) -> str:
    return f"exams:paper-slots:v2:{attempt_id}"


def _keys_only(options: list[dict] | None) -> list[dict]:
    return [{"key": o["key"]} for o in options or []]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value  # SQLite hands back text


_SLOTS_SQL = """
SELECT item.attempt_id, item.position, item.id, question.qtype, version.options,
       version.sub_questions
  FROM question_banks_attemptitem AS item
  JOIN question_banks_questionversion AS version ON version.id = item.version_id
  JOIN question_banks_question AS question ON question.id = version.question_id
 WHERE item.attempt_id IN ({ids})
"""


def _read(attempt_ids: list[int]) -> dict[int, dict[int, tuple]]:
    """The slots of these papers from the database, as plain tuples (every save unpickles
    one paper's worth, and tuples load several times faster than objects)."""
    papers: dict[int, dict[int, tuple]] = {pk: {} for pk in attempt_ids}
    with connection.cursor() as cursor:
        cursor.execute(_SLOTS_SQL.format(ids=", ".join(["%s"] * len(attempt_ids))), attempt_ids)
        for attempt_id, position, item_id, qtype, options, subs in cursor.fetchall():
            sub_questions = [
                {"qtype": sub["qtype"], "options": _keys_only(sub.get("options"))}
                for sub in _json(subs) or []
            ]
            papers[attempt_id][position] = (
                item_id,
                qtype,
                _keys_only(_json(options)),
                sub_questions or None,
            )
    return papers


@register_reset
def forget_memory() -> None:
    """Empty this process's copy (tests: a rolled-back SQLite transaction hands out an
    attempt id again; PostgreSQL's sequences never do)."""
    _memory.clear()


def _remember(attempt_id: int, raw: dict[int, tuple]) -> None:
    if len(_memory) >= _MEMORY_PAPERS:
        _memory.clear()  # rare; the cache still holds them all
    _memory[attempt_id] = raw


def _raw(attempt_id: int) -> dict[int, tuple]:
    raw = _memory.get(attempt_id)
    if raw is None:
        raw = cache.get(_key(attempt_id))
        if raw is None:
            raw = _read([attempt_id])[attempt_id]
            if raw:
                cache.set(_key(attempt_id), raw, SLOTS_SECONDS)
        if raw:
            _remember(attempt_id, raw)
    return raw


def paper_slots(attempt_id: int) -> dict[int, PaperSlot]:
    """Every position of the paper."""
    return {position: PaperSlot(*slot) for position, slot in _raw(attempt_id).items()}


def paper_slot(attempt_id: int, position: int) -> PaperSlot | None:
    """One position of the paper, or None if the paper has no such position."""
    slot = _raw(attempt_id).get(position)
    return PaperSlot(*slot) if slot is not None else None


def paper_slots_warm(attempt_ids: Iterable[int], *, until: dt.datetime | None = None) -> None:
    """Cache these papers' slots now (papers drawn ahead), until `until` and 12 hours more."""
    ids = list(attempt_ids)
    seconds = SLOTS_SECONDS
    if until is not None:
        seconds += max(0, int((until - timezone.now()).total_seconds()))
    for start in range(0, len(ids), 500):
        papers = _read(ids[start : start + 500])
        cache.set_many({_key(pk): raw for pk, raw in papers.items() if raw}, seconds)
