import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_preview_prints_the_contract_json(rule, capsys):
    call_command("preview_paper", "--rule", rule.code, "--seed", "5", "--json")
    paper = json.loads(capsys.readouterr().out)
    assert paper["rule"] == rule.code and paper["seed"] == 5 and paper["total_points"] == 100
    assert len(paper["questions"]) == 25
    first = paper["questions"][0]
    assert set(first) == {
        "id",
        "version",
        "type",
        "points",
        "difficulty",
        "category",
        "option_order",
    }
    assert first["type"] in {"single", "multiple", "judge"}


def test_same_seed_previews_the_same_paper(rule, capsys):
    call_command("preview_paper", "--rule", rule.code, "--seed", "9", "--json")
    first = capsys.readouterr().out
    call_command("preview_paper", "--rule", rule.code, "--seed", "9", "--json")
    assert capsys.readouterr().out == first


def test_list_shows_each_rule(rule, capsys):
    call_command("preview_paper", "--list")
    assert "DG-T" in capsys.readouterr().out


def test_list_with_json_prints_one_json_document_of_the_rules(rule, capsys):
    """`--list --json` printed the text table, which no JSON reader could read."""
    call_command("preview_paper", "--list", "--json")
    listing = json.loads(capsys.readouterr().out)
    (entry,) = [r for r in listing["rules"] if r["code"] == rule.code]
    assert entry == {
        "code": rule.code,
        "name": rule.name,
        "bank": rule.bank.code,
        "kind": "random",
        "questions": 25,
        "total_points": 100.0,
        "duration_minutes": rule.duration_minutes,
        "pass_mark": float(rule.pass_mark),
    }


def test_unknown_rule_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no paper rule"):
        call_command("preview_paper", "--rule", "NOPE")


def test_unsatisfiable_rule_says_which_section_is_short(rule):
    rule.sections.filter(position=2).update(medium_count=9)
    with pytest.raises(CommandError):
        call_command("preview_paper", "--rule", rule.code)
