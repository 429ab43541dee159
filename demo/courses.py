"""Course and warning-education demo content for `seed_demo` (runs after the roster demo).

Under the Wagtail site's root page: "培训课程" (slug courses) with five courses and their
lessons, and "警示教育" (slug warning-cases) with accident cases across industries. Everything
is written for the demo: the cases are fictional composites in the style of published accident
reports, with no real victims or companies. The index pages go under the review workflow.

Idempotent: pages are keyed by slug under their parent and left alone once they exist, the
demo video and PDFs by document title; a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    TrainingPlan,
    WarningCaseIndexPage,
    WarningCasePage,
)
from courses.services.content_tree import content_tree_setup
from courses.services.plans import plan_create
from roster.models import Enterprise, Industry, User
from roster.services.roles import role_grant_sync_groups

from .training_history import seed_training_history

# The pages' words live in demo/data/courses.json; this module publishes them as pages.
DATA = json.loads((Path(__file__).resolve().parent / "data" / "courses.json").read_text("utf-8"))
VIDEO_TITLE: str = DATA["video"]["title"]
VIDEO_SECONDS: int = DATA["video"]["seconds"]
VIDEO_FILE = Path(__file__).resolve().parent / "assets" / DATA["video"]["file"]
DEMO_TRAINER = "trainer"  # demo/roster.py's trainer account owns the demo courses
COURSES: list[dict] = DATA["courses"]
CASES: list[dict] = DATA["cases"]


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _body(sections: list[dict]) -> list[dict]:
    blocks: list[dict] = []
    for section in sections:
        blocks.append({"type": "heading", "value": section["heading"]})
        blocks.append({"type": "paragraph", "value": _p(*section["paragraphs"])})
    return blocks


# --------------------------------------------------------------------------- builders


def _site_root() -> Page:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        raise RuntimeError("No default Wagtail site: run migrate before seed_demo.")
    return site.root_page


def _child(parent: Page, slug: str) -> Page | None:
    page = parent.get_children().filter(slug=slug).first()
    return page.specific if page is not None else None


def _publish(parent: Page, page: Page, owner: User | None) -> Page:
    page.owner = owner
    parent.add_child(instance=page)
    # The trainer wrote it; the demo publishes it as if a reviewer had approved it.
    page.save_revision(user=owner).publish()
    return page


def _video(stdout) -> object | None:
    """The demo's one-minute WebM test pattern (VP8, 320x180, 5 frames a second, 150 KB) in
    the documents library, from the file shipped beside this module. It used to be made with
    ffmpeg at seed time, which left the video lessons without a file wherever ffmpeg was
    missing; shipping it makes the demo the same on every machine. Its length is
    VIDEO_SECONDS, the length the video lessons credit (tests/courses/test_demo_video.py)."""
    Document = get_document_model()
    existing = Document.objects.filter(title=VIDEO_TITLE).first()
    if existing is not None and existing.file and existing.file.storage.exists(existing.file.name):
        return existing
    if not VIDEO_FILE.is_file():
        stdout.write("courses demo: the demo video file is missing, the video lessons have none.")
        return None
    document = existing or Document(title=VIDEO_TITLE)
    document.file.save(VIDEO_FILE.name, ContentFile(VIDEO_FILE.read_bytes()), save=False)
    document.save()
    return document


def _attach_video(page: Page, video, owner: User | None) -> bool:
    """Give a video lesson or case seeded before the file existed its video (a new revision,
    published like the first). Returns whether it changed."""
    if video is None or page.video_id == video.pk:
        return False
    page.video = video
    if isinstance(page, LessonPage):
        page.duration_seconds = VIDEO_SECONDS
    page.save_revision(user=owner).publish()
    return True


def _pdf(title: str, sections: list[dict]) -> object:
    """The handout of a document lesson as a PDF, in the product's embedded font, made once."""
    Document = get_document_model()
    doc_title = f"讲义：{title}"
    existing = Document.objects.filter(title=doc_title).first()
    if existing is not None:
        return existing
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Spacer

    from documents.pdf import a4_document, cjk_font, para

    font = cjk_font()
    text = ParagraphStyle("t", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    head = ParagraphStyle("h", parent=text, fontSize=15, leading=24, spaceBefore=8)
    story = [para(title, ParagraphStyle("T", parent=head, fontSize=20, leading=30))]
    for section in sections:
        story.append(para(section["heading"], head))
        story += [para(p, text) for p in section["paragraphs"]]
        story.append(Spacer(1, 6))
    buffer = io.BytesIO()
    a4_document(buffer, title=title).build(story)
    document = Document(title=doc_title)
    document.file.save("handout.pdf", ContentFile(buffer.getvalue()), save=False)
    document.save()
    return document


def _index(root: Page, model, slug: str, title: str, intro: str, created: dict) -> Page:
    page = _child(root, slug)
    if page is None:
        page = _publish(root, model(title=title, slug=slug, intro=_p(intro)), owner=None)
        created["index pages"] += 1
    return page


def _seed_courses(index: Page, owner: User | None, video, stdout, created: dict) -> None:
    for row in COURSES:
        course = _child(index, row["slug"])
        if course is None:
            course = CoursePage(
                title=row["title"],
                slug=row["slug"],
                summary=row["summary"],
                training_kind=row["training_kind"],
                personnel_categories=row["personnel_categories"],
                nominal_hours=Decimal(row["nominal_hours"]),
            )
            course.industries.set(Industry.objects.filter(code__in=row["industries"]))
            _publish(index, course, owner)
            created["courses"] += 1
        for lesson_row in row["lessons"]:
            l_slug, l_title, l_kind = lesson_row["slug"], lesson_row["title"], lesson_row["kind"]
            sections = lesson_row["sections"]
            existing = _child(course, l_slug)
            if existing is not None:
                if l_kind == LessonPage.Kind.VIDEO and _attach_video(existing, video, owner):
                    created["videos attached"] += 1
                continue
            lesson = LessonPage(
                title=l_title,
                slug=l_slug,
                kind=l_kind,
                body=_body(sections),
                min_reading_minutes=lesson_row["minutes"],
            )
            if l_kind == LessonPage.Kind.VIDEO:
                lesson.video = video
                lesson.duration_seconds = VIDEO_SECONDS
            elif l_kind == LessonPage.Kind.DOCUMENT:
                lesson.document = _pdf(l_title, sections)
            _publish(course, lesson, owner)
            created["lessons"] += 1


def _seed_cases(index: Page, owner: User | None, video, created: dict) -> None:
    industries = {industry.code: industry for industry in Industry.objects.all()}
    for row in CASES:
        existing = _child(index, row["slug"])
        if existing is not None:
            if row["video"] and _attach_video(existing, video, owner):
                created["videos attached"] += 1
            continue
        case = WarningCasePage(
            title=row["title"],
            slug=row["slug"],
            occurred_on=dt.date.fromisoformat(row["occurred_on"]),
            place=row["place"],
            industry=industries[row["industry"]],
            deaths=row["deaths"],
            injuries=row["injuries"],
            direct_loss=Decimal(row["direct_loss"]),
            summary=row["summary"],
            direct_cause=_p(row["direct_cause"]),
            root_cause=_p(row["root_cause"]),
            lessons=_p(row["lessons"]),
            video=video if row["video"] else None,
        )
        _publish(index, case, owner)
        created["warning cases"] += 1


# The enterprise whose admin is the demo `ent_admin`: its special operators and new staff get
# plans, so the demo trainees open an assigned course from "my study".
DEMO_PLAN_ENTERPRISE: str = DATA["plans"]["enterprise"]


def _seed_plans(course_index, created: dict) -> None:
    enterprise = Enterprise.objects.filter(name=DEMO_PLAN_ENTERPRISE).first()
    if enterprise is None or TrainingPlan.objects.filter(enterprise=enterprise).exists():
        return
    courses = {c.slug: c for c in CoursePage.objects.child_of(course_index).live().specific()}
    due = timezone.localdate() + dt.timedelta(days=DATA["plans"]["due_in_days"])
    for row in DATA["plans"]["plans"]:
        chosen = [courses[slug] for slug in row["courses"] if slug in courses]
        if not chosen:
            continue
        plan_create(
            enterprise=enterprise,
            title=row["title"],
            courses=chosen,
            target=TrainingPlan.Target.CATEGORY,
            personnel_category=row["personnel_category"],
            due_on=due,
            actor=None,
        )
        created["training plans"] = created.get("training plans", 0) + 1


def seed(*, stdout) -> None:
    created = dict.fromkeys(
        ["index pages", "courses", "lessons", "warning cases", "videos attached"], 0
    )
    with transaction.atomic():
        root = _site_root()
        trainer = User.objects.filter(username=DEMO_TRAINER).first()
        if trainer is not None:
            # The demo trainer authors the demo courses, so may edit them (Trainers group).
            role_grant_sync_groups(user=trainer)
        course_index = _index(root, CourseIndexPage, **DATA["course_index"], created=created)
        case_index = _index(root, WarningCaseIndexPage, **DATA["case_index"], created=created)
        for index in (course_index, case_index):
            content_tree_setup(index_page=index)
        video = _video(stdout)
        _seed_courses(course_index, trainer, video, stdout, created)
        _seed_cases(case_index, trainer, video, created)
        _seed_plans(course_index, created)
    seed_training_history(stdout=stdout)
    made = ", ".join(f"{n} {what}" for what, n in created.items() if n)
    stdout.write(f"Courses demo: {'created ' + made if made else 'nothing to change'}.")
