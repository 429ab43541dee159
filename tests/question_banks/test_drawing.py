"""Papers are fair (ARCHITECTURE.md rule 4) and reproducible from their seed (rule 3)."""

import math
from collections import Counter
from decimal import Decimal
from statistics import NormalDist

import pytest

from question_banks.drawing import (
    PoolQuestion,
    PoolTooSmall,
    SectionSpec,
    check_rule,
    draw_paper,
    fixed_paper,
    split_by_percent,
)


def make_pool(spec):
    """spec: {(qtype, difficulty, category): how many}"""
    pool, next_id = [], 1
    for (qtype, difficulty, category), n in spec.items():
        for _ in range(n):
            keys = ("A", "B") if qtype == "judge" else ("A", "B", "C", "D")
            pool.append(
                PoolQuestion(
                    id=next_id,
                    version_id=10_000 + next_id,
                    qtype=qtype,
                    difficulty=difficulty,
                    category_path=f"/{category}/",
                    option_keys=keys,
                    shuffle_options=qtype != "judge",
                )
            )
            next_id += 1
    return pool


# 低压电工 theory: 70 判断 x 1 + 30 单选 x 1, difficulty mix 30/50/20.
POOL = make_pool(
    {
        ("judge", 1, "电工基础"): 60,
        ("judge", 2, "电工基础"): 90,
        ("judge", 3, "安全"): 40,
        ("single", 1, "电工基础"): 30,
        ("single", 2, "安全"): 45,
        ("single", 3, "安全"): 25,
        ("multiple", 2, "安全"): 10,
    }
)
RULE = [
    SectionSpec(
        "judge", Decimal(1), dict(zip((1, 2, 3), split_by_percent(70, [30, 50, 20]), strict=True))
    ),
    SectionSpec(
        "single", Decimal(1), dict(zip((1, 2, 3), split_by_percent(30, [30, 50, 20]), strict=True))
    ),
]


def chi_square_p(observed, expected, correction):
    """Upper-tail p of a chi-square statistic (Wilson-Hilferty), counts drawn k of N."""
    stat = sum((o - expected) ** 2 / (expected * correction) for o in observed)
    df = len(observed) - 1
    z = ((stat / df) ** (1 / 3) - (1 - 2 / (9 * df))) / math.sqrt(2 / (9 * df))
    return 1 - NormalDist().cdf(z)


def test_percent_mix_becomes_exact_counts():
    assert split_by_percent(70, [30, 50, 20]) == [21, 35, 14]
    assert sum(split_by_percent(33, [30, 50, 20])) == 33


def test_same_seed_draws_the_same_paper():
    assert draw_paper(RULE, POOL, seed=42) == draw_paper(RULE, POOL, seed=42)
    assert draw_paper(RULE, POOL, seed=42) != draw_paper(RULE, POOL, seed=43)


def test_thousand_papers_all_match_the_rule_exactly():
    by_id = {q.id: q for q in POOL}
    for seed in range(1000):
        paper = draw_paper(RULE, POOL, seed=seed)
        assert len(paper) == 100
        assert sum(item.points for item in paper) == Decimal(100)
        assert len({item.question_id for item in paper}) == 100  # no repeats
        for index, section in enumerate(RULE):
            items = [i for i in paper if i.section == index]
            mix = Counter(by_id[i.question_id].difficulty for i in items)
            assert dict(mix) == {d: n for d, n in section.counts.items() if n}
            assert {by_id[i.question_id].qtype for i in items} == {section.qtype}


def test_question_frequencies_are_uniform_within_each_stratum():
    papers = [draw_paper(RULE, POOL, seed=seed) for seed in range(1000)]
    counts = Counter(item.question_id for paper in papers for item in paper)
    for index, section in enumerate(RULE):
        for difficulty, k in section.counts.items():
            stratum = [q.id for q in POOL if section.admits(q) and q.difficulty == difficulty]
            observed = [counts[i] for i in stratum]
            expected = 1000 * k / len(stratum)
            p = chi_square_p(observed, expected, correction=1 - k / len(stratum))
            assert p > 0.001, (index, difficulty, p)


def test_options_are_shuffled_unless_switched_off():
    paper = draw_paper(RULE, POOL, seed=7)
    by_id = {q.id: q for q in POOL}
    judge_orders = {tuple(i.option_order) for i in paper if by_id[i.question_id].qtype == "judge"}
    single_orders = {tuple(i.option_order) for i in paper if by_id[i.question_id].qtype == "single"}
    assert judge_orders == {("A", "B")}
    assert len(single_orders) > 1
    assert all(sorted(order) == ["A", "B", "C", "D"] for order in single_orders)


def test_retake_avoids_the_previous_paper_where_the_bank_allows():
    first = draw_paper(RULE, POOL, seed=1)
    previous = {i.question_id for i in first}
    second = draw_paper(RULE, POOL, seed=2, avoid=previous)
    by_id = {q.id: q for q in POOL}
    repeated = [by_id[i.question_id] for i in second if i.question_id in previous]
    # Only the 单选 易 stratum (30 questions, 9 drawn) and 判断 难 (40, 14)... have room;
    # every stratum of this pool has at least twice its need, so nothing repeats.
    assert repeated == []


def test_retake_falls_back_to_old_questions_when_the_stratum_is_small():
    pool = make_pool({("single", 2, "x"): 12})
    rule = [SectionSpec("single", Decimal(2), {2: 10})]
    first = {i.question_id for i in draw_paper(rule, pool, seed=1)}
    second = draw_paper(rule, pool, seed=2, avoid=first)
    fresh = {i.question_id for i in second} - first
    assert len(second) == 10 and len(fresh) == 2


def test_rule_the_bank_cannot_satisfy_names_the_section_and_shortage():
    rule = [SectionSpec("multiple", Decimal(2), {1: 0, 2: 15, 3: 0})]
    shortages = check_rule(rule, POOL)
    assert [(s.section, s.difficulty, s.need, s.available, s.short) for s in shortages] == [
        (0, 2, 15, 10, 5)
    ]
    with pytest.raises(PoolTooSmall):
        draw_paper(rule, POOL, seed=1)


def test_overlapping_sections_reserve_what_earlier_ones_may_take():
    pool = make_pool({("single", 2, "安全"): 20})
    # Both sections draw 单选 中 from the same 20 questions: 12 + 10 > 20.
    rule = [
        SectionSpec("single", Decimal(1), {2: 12}),
        SectionSpec("single", Decimal(2), {2: 10}, category_paths=("/安全/",)),
    ]
    assert [(s.section, s.short) for s in check_rule(rule, pool)] == [(1, 2)]
    ok = [SectionSpec("single", Decimal(1), {2: 10}), rule[1]]
    assert check_rule(ok, pool) == []
    for seed in range(200):
        assert len(draw_paper(ok, pool, seed=seed)) == 20


def test_category_filter_includes_subcategories():
    pool = make_pool({("single", 2, "电工/低压"): 5, ("single", 2, "焊接"): 5})
    rule = [SectionSpec("single", Decimal(1), {2: 5}, category_paths=("/电工/",))]
    by_id = {q.id: q for q in pool}
    paper = draw_paper(rule, pool, seed=3)
    assert {by_id[i.question_id].category_path for i in paper} == {"/电工/低压/"}


def test_fixed_paper_keeps_its_order_and_points():
    pool = make_pool({("single", 2, "x"): 3})
    items = [(pool[2], Decimal(5)), (pool[0], Decimal(3))]
    paper = fixed_paper(items, seed=9)
    assert [(i.question_id, i.points) for i in paper] == [(3, 5), (1, 3)]


def test_case_question_shuffles_each_sub_question_options():
    case = PoolQuestion(
        id=1,
        version_id=1,
        qtype="case",
        difficulty=2,
        sub_option_keys=(("A", "B", "C", "D"), ("A", "B")),
    )
    rule = [SectionSpec("case", Decimal(4), {2: 1})]
    (item,) = draw_paper(rule, [case], seed=5)
    assert [sorted(o) for o in item.option_order] == [["A", "B", "C", "D"], ["A", "B"]]
