"""The training file of one person (一人一档): what they studied, were credited, attended,
sat and hold. One data object feeds the page, the PDF and the .xlsx, so they always agree.

The documents are Chinese whatever the reader's language (as certificates.pdf does), since
they are filed and handed to inspectors; the page follows the reader's language. They are
made with documents.pdf and documents.xlsx: every text (names, titles, trainers) is escaped
before reportlab reads it and written as text, never as a formula, in the workbook.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certificates.models import Certificate, CertificateState
from certificates.services.retention import retention_years
from courses.models import (
    ClassroomSession,
    LessonProgress,
    SafetyEducationRecord,
    TrainingKind,
    ViolationRetraining,
)
from courses.selectors import assignments_of
from courses.services.compliance import (
    Compliance,
    SafetyEducationStatus,
    credited_hours,
    person_compliance,
    safety_education_status,
)
from documents import xlsx
from question_banks.models import Attempt, ExamSession
from roster.models import Employment, Person

DOCUMENT_LANGUAGE = "zh-hans"
YEARS_SHOWN = 6
# Certificate states in which the holder still holds a usable certificate.
_HOLDING = {
    CertificateState.VALID,
    CertificateState.EXPIRING,
    CertificateState.REVIEW_SOON,
    CertificateState.REVIEW_DUE,
}  # 特种作业 files are kept at least 6 years (MISSION.md)


@dataclass
class TrainingFile:
    person: Person
    employment: Employment | None
    assignments: list
    lessons: list[LessonProgress]
    compliance: list[Compliance]  # newest year first
    hours_by_kind: dict[int, dict[str, object]]
    classroom: list[ClassroomSession]
    safety_education: list[SafetyEducationRecord]
    education_status: SafetyEducationStatus
    violations: list[ViolationRetraining]
    attempts: list[Attempt]
    certificates: list[Certificate]
    on: dt.date = field(default_factory=timezone.localdate)


def training_file(*, person: Person, on: dt.date | None = None) -> TrainingFile:
    on = on or timezone.localdate()
    employment = (
        Employment.objects.current()
        .filter(person=person)
        .select_related("enterprise__industry", "department")
        .first()
    )
    first_year = person.credits.order_by("on").values_list("on", flat=True).first()
    # At least the years the person's records are kept (certificates.services.retention).
    shown = max(YEARS_SHOWN, retention_years(person.pk) or 0)
    start = max(on.year - shown + 1, first_year.year if first_year else on.year)
    years = range(on.year, start - 1, -1)
    return TrainingFile(
        person=person,
        employment=employment,
        assignments=list(assignments_of(person=person).order_by("-assigned_at")),
        lessons=list(
            LessonProgress.objects.filter(person=person)
            .select_related("lesson")
            .order_by("-updated_at")
        ),
        compliance=[person_compliance(person=person, year=y, on=on) for y in years],
        hours_by_kind=_hours_by_year_and_kind(person),
        classroom=list(person.classroom_sessions.order_by("-held_on")),
        safety_education=list(person.safety_education.select_related("enterprise")),
        education_status=safety_education_status(person=person),
        violations=list(person.violations.select_related("exam_session")),
        attempts=list(
            Attempt.objects.filter(person=person, kind=Attempt.Kind.OFFICIAL)
            .exclude(finished_at__isnull=True)
            # A contest round ranks and has no pass mark: the contest section (its score and
            # rank) lists it, not this one (passed / not passed).
            .exclude(session__purpose=ExamSession.Purpose.CONTEST)
            .select_related("session", "rule")
            .order_by("-finished_at")
        ),
        certificates=list(
            Certificate.objects.filter(person=person)
            .select_related("certificate_type")
            .order_by("-valid_from")
        ),
        on=on,
    )


Section = tuple[str, list[str], list[list[str]]]
# Sections that apps above courses add to every file (drills: the drills a person took part
# in), registered from their AppConfig.ready so that courses never imports them.
_EXTRA_SECTIONS: list[Callable[[TrainingFile], Section]] = []


def register_section(section: Callable[[TrainingFile], Section]) -> None:
    """Add a section (a title, its columns and rows of text for one file) to every file."""
    if section not in _EXTRA_SECTIONS:
        _EXTRA_SECTIONS.append(section)


def extra_sections(tf: TrainingFile) -> list[Section]:
    return [section(tf) for section in _EXTRA_SECTIONS]


def _hours_by_year_and_kind(person: Person) -> dict[int, dict[str, object]]:
    years = sorted({d.year for d in person.credits.values_list("on", flat=True)}, reverse=True)
    return {
        y: credited_hours(person=person, start=dt.date(y, 1, 1), end=dt.date(y, 12, 31))
        for y in years
    }


def _kind(value: str) -> str:
    return str(dict(TrainingKind.choices).get(value, value))


def _yes(value: bool | None) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")


def _d(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def sections(tf: TrainingFile, *, id_number: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """The file as titled tables of text: what the PDF and the .xlsx write."""
    p, e = tf.person, tf.employment
    head = [
        [_("Name"), p.name],
        [_("ID number"), id_number],
        [_("Enterprise"), e.enterprise.name if e else "—"],
        [_("Personnel category"), e.get_category_display() if e else "—"],
        [_("Post / trade"), (e.post or "—") if e else "—"],
        [_("Hire date"), _d(e.hire_date) if e else "—"],
        [_("Date"), _d(tf.on)],
    ]
    compliance = [
        [str(c.year), i.label, str(i.required_hours), str(i.done_hours), str(i.missing_hours)]
        for c in tf.compliance
        for i in c.items
    ]
    hours = [
        [str(year), _kind(kind), str(value)]
        for year, kinds in tf.hours_by_kind.items()
        for kind, value in kinds.items()
    ]
    return [
        (_("Training file"), [_("Item"), _("Value")], head),
        (
            _("Hours compliance"),
            [_("Year"), _("Training kind"), _("Required"), _("Done"), _("Missing")],
            compliance,
        ),
        (_("Hours credited"), [_("Year"), _("Training kind"), _("Hours (学时)")], hours),
        (
            _("Courses"),
            [_("Plan"), _("Course"), _("Due on"), _("Completed")],
            [
                [a.plan.title, a.course.title, _d(a.plan.due_on), _d(a.completed_at)]
                for a in tf.assignments
            ],
        ),
        (
            _("Lessons"),
            [_("Lesson"), _("Minutes credited"), _("Completed")],
            [
                [lp.lesson.title, str(lp.credited_seconds // 60), _d(lp.completed_at)]
                for lp in tf.lessons
            ],
        ),
        (
            _("Classroom sessions"),
            [_("Date"), _("Title"), _("Training kind"), _("Hours (学时)"), _("Trainer")],
            [
                [_d(s.held_on), s.title, _kind(s.training_kind), str(s.hours), s.trainer]
                for s in tf.classroom
            ],
        ),
        (
            _("Three-level safety education"),
            [_("Date"), _("Level"), _("Reason"), _("Hours (学时)"), _("Trainer")],
            [
                [
                    _d(r.held_on),
                    r.get_level_display(),
                    r.get_reason_display(),
                    str(r.hours),
                    r.trainer,
                ]
                for r in tf.safety_education
            ]
            + (
                [["", _("Missing"), "、".join(tf.education_status.missing_labels()), "", ""]]
                if tf.education_status.missing_levels
                else []
            ),
        ),
        (
            _("Violation retraining (三违)"),
            [_("Off the job from"), _("Violation"), _("Exam"), _("Back on the job on")],
            [
                [
                    _d(v.off_job_from),
                    v.violation,
                    v.exam_session.name if v.exam_session else "",
                    _d(v.returned_on),
                ]
                for v in tf.violations
            ],
        ),
        (
            _("Exams"),
            [_("Exam"), _("Date"), _("Score"), _("Passed")],
            [
                [
                    a.session.name if a.session else a.rule.name,
                    _d(a.finished_at),
                    "" if a.score is None else str(a.score),
                    _yes(a.passed),
                ]
                for a in tf.attempts
            ],
        ),
        (
            _("Certificates"),
            [_("Certificate number"), _("Type"), _("Valid until"), _("State")],
            [
                [c.number, c.certificate_type.name, _d(c.valid_until), _state(c, tf.on)]
                for c in tf.certificates
            ],
        ),
        *extra_sections(tf),
    ]


def _state(certificate: Certificate, on: dt.date) -> str:
    state = certificate.state(on)
    return str(dict(CertificateState.choices).get(state, state))


# --------------------------------------------------------------------------- documents


def training_file_pdf(tf: TrainingFile, *, id_number: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.platypus import Spacer, Table, TableStyle

    from documents.pdf import a4_document, cjk_font, para, styles

    with translation.override(DOCUMENT_LANGUAGE):
        style = styles(cjk_font())
        buffer = io.BytesIO()
        doc = a4_document(buffer, title=_("Training file"))
        story = [para(f"{_('Training file')} · {tf.person.name}", style.title)]
        for heading, columns, rows in sections(tf, id_number=id_number):
            story.append(para(heading, style.heading))
            if not rows:
                story.append(para(_("None"), style.cell))
                continue
            data = [[para(c, style.cell) for c in columns]]
            data += [[para(c, style.cell) for c in row] for row in rows]
            table = Table(data, repeatRows=1, hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story += [table, Spacer(1, 4)]
        doc.build(story)
        return buffer.getvalue()


def training_file_xlsx(tf: TrainingFile, *, id_number: str) -> bytes:
    """Every section a sheet; every cell text (an ID number must not become a number)."""
    with translation.override(DOCUMENT_LANGUAGE):
        book = xlsx.workbook()
        for heading, columns, rows in sections(tf, id_number=id_number):
            sheet = xlsx.add_sheet(book, heading)
            xlsx.append(sheet, columns, font=xlsx.BOLD)
            for row in rows:
                xlsx.append(sheet, row, formats=[xlsx.TEXT] * len(row))
        return xlsx.to_bytes(book)


def enterprise_training_xlsx(
    employments: Iterable[Employment], *, years: Iterable[int], on: dt.date | None = None
) -> tuple[bytes, int]:
    """One row per person and year: required / done / missing hours, 三级, certificates."""
    on = on or timezone.localdate()
    years = list(years)
    with translation.override(DOCUMENT_LANGUAGE):
        book = xlsx.workbook()
        sheet = xlsx.add_sheet(book, _("Training records"))
        columns = [
            _("Name"),
            _("ID number"),
            _("Department"),
            _("Personnel category"),
            _("Year"),
            _("Required"),
            _("Done"),
            _("Missing"),
            _("Three-level safety education complete"),
            _("Valid certificates"),
        ]
        xlsx.append(sheet, columns, font=xlsx.BOLD)
        formats = [None, xlsx.TEXT, *[None] * 7, xlsx.TEXT]
        count = 0
        for employment in employments:
            person = employment.person
            education = safety_education_status(person=person)
            valid = [c.number for c in person.certificates.all() if c.state(on) in _HOLDING]
            for year in years:
                c = person_compliance(person=person, year=year, on=on)
                xlsx.append(
                    sheet,
                    [
                        person.name,
                        person.id_number_masked,
                        employment.department.name if employment.department_id else "",
                        employment.get_category_display(),
                        year,
                        float(c.required_hours),
                        float(c.done_hours),
                        float(c.missing_hours),
                        _yes(education.complete),
                        "、".join(valid),
                    ],
                    formats=formats,
                )
            count += 1
        return xlsx.to_bytes(book), count
