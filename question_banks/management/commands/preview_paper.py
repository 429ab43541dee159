"""Draw one paper from a paper rule, as a trainer's preview (CONTRACT.md)."""

import json
import secrets

from django.core.management.base import BaseCommand, CommandError

from question_banks.drawing import PoolTooSmall, draw_paper, fixed_paper
from question_banks.models import PaperRule, Question
from question_banks.services.rules import (
    describe_shortage,
    paper_rule_total_points,
    pool_for_bank,
    section_specs,
    to_pool_question,
)


class Command(BaseCommand):
    help = "Draw one paper from a paper rule (a preview; nothing is saved)."

    def add_arguments(self, parser):
        parser.add_argument("--rule", help="paper rule code")
        parser.add_argument("--seed", type=int, help="seed (random when omitted)")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--list", action="store_true", help="list the paper rules")

    def handle(self, *args, **options):
        if options["list"]:
            return self._list(as_json=options["json"])
        if not options["rule"]:
            raise CommandError("give --rule CODE (or --list)")
        rule = PaperRule.objects.filter(code=options["rule"]).select_related("bank").first()
        if rule is None:
            raise CommandError(f"no paper rule with code {options['rule']!r}")
        seed = options["seed"] if options["seed"] is not None else secrets.randbits(31)
        if rule.kind == PaperRule.Kind.FIXED:
            fixed = list(
                rule.fixed_items.select_related("question__current_version", "question__category")
            )
            items = fixed_paper([(to_pool_question(f.question), f.points) for f in fixed], seed)
        else:
            specs = section_specs(rule)
            try:
                items = draw_paper(specs, pool_for_bank(rule.bank_id), seed)
            except PoolTooSmall as exc:
                raise CommandError(
                    " ".join(describe_shortage(s, specs[s.section]) for s in exc.shortages)
                ) from exc
        questions = Question.objects.in_bulk([i.question_id for i in items])
        rows = [
            {
                "id": i.question_id,
                "version": i.version_id,
                "type": questions[i.question_id].qtype,
                "points": float(i.points),
                "difficulty": questions[i.question_id].difficulty,
                "category": str(questions[i.question_id].category or ""),
                "option_order": i.option_order,
            }
            for i in items
        ]
        total = float(sum(i.points for i in items))
        if options["json"]:
            payload = {"rule": rule.code, "seed": seed, "total_points": total, "questions": rows}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(
            f"{rule.name} ({rule.code})  seed={seed}  {len(rows)} questions, {total:g} points"
        )
        for n, (row, item) in enumerate(zip(rows, items, strict=True), start=1):
            stem = questions[item.question_id].current_version.plain_stem.replace("\n", " ")[:60]
            self.stdout.write(
                f"{n:>3}. [{row['type']:<8} d{row['difficulty']} {row['points']:g}] "
                f"{''.join(map(str, row['option_order'])):<6} {stem}"
            )

    def _list(self, *, as_json: bool):
        rules = []
        for rule in PaperRule.objects.select_related("bank").prefetch_related(
            "sections", "fixed_items"
        ):
            if rule.kind == PaperRule.Kind.FIXED:
                count = len(rule.fixed_items.all())
            else:
                count = sum(s.count for s in rule.sections.all())
            rules.append(
                {
                    "code": rule.code,
                    "name": rule.name,
                    "bank": rule.bank.code,
                    "kind": rule.kind,
                    "questions": count,
                    "total_points": float(paper_rule_total_points(rule)),
                    "duration_minutes": rule.duration_minutes,
                    "pass_mark": float(rule.pass_mark),
                }
            )
        if as_json:
            # One JSON document, like the preview's, for scripts (`jq '.rules[].code'`).
            self.stdout.write(json.dumps({"rules": rules}, ensure_ascii=False))
            return
        for r in rules:
            self.stdout.write(
                f"{r['code']:<16} {r['name']}  [{r['bank']}] {r['questions']} questions, "
                f"{r['total_points']:g} points, {r['duration_minutes']} min, "
                f"pass {r['pass_mark']:g}"
            )
