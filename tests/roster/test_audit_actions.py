"""Every action the project writes to the audit log has a label in the reader's language,
and the audit log's pages show it (the rows keep the code)."""

import ast
import re
from pathlib import Path

from django.utils import translation

from roster.audit_actions import AUDIT_ACTIONS

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCES = [
    "config",
    "roster",
    "courses",
    "question_banks",
    "certificates",
    "reports",
    "notices",
    "drills",
    "site",
    "campaigns",
]
CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)*$")


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def recorded_actions() -> set[str]:
    """The action codes in the sources: `action=` of audit_record (both branches of a
    conditional), and the dotted codes handed to the apps' own `_audit…` helpers."""
    found = set()
    for name in SOURCES:
        for path in (ROOT / name).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(call, ast.Call):
                    continue
                if _name(call) == "audit_record":
                    parts = [k.value for k in call.keywords if k.arg == "action"]
                elif _name(call).startswith("_audit"):
                    parts = [*call.args, *(k.value for k in call.keywords)]
                else:
                    continue
                dotted_only = _name(call) != "audit_record"  # a helper's other arguments
                for part in parts:
                    found.update(
                        node.value
                        for node in ast.walk(part)
                        if isinstance(node, ast.Constant)
                        and isinstance(node.value, str)
                        and CODE.match(node.value)
                        and ("." in node.value or not dotted_only)
                    )
    return found


def test_every_recorded_action_has_a_label():
    recorded = recorded_actions()
    assert len(recorded) >= 50  # the walk finds them
    assert sorted(recorded - set(AUDIT_ACTIONS)) == []
    assert sorted(set(AUDIT_ACTIONS) - recorded) == []  # and no label outlives its action


def test_the_labels_are_in_chinese_by_default():
    with translation.override("zh-hans"):
        assert str(AUDIT_ACTIONS["person.reveal_id"]) == "显示完整身份证号"
        untranslated = [c for c, label in AUDIT_ACTIONS.items() if str(label).isascii()]
    assert untranslated == []


def test_a_rows_object_type_is_named_in_the_readers_language():
    from roster.models import AuditLog, Person

    with translation.override("zh-hans"):
        assert AuditLog(target_type="roster.person").target_type_label() == str(
            Person._meta.verbose_name
        )
        assert not AuditLog(target_type="roster.person").target_type_label().isascii()
    assert AuditLog(target_type="gone.model").target_type_label() == "gone.model"
    assert AuditLog(target_type="").target_type_label() == ""
