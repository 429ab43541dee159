"""What the courses app hangs on the exam engine, wired once in every process (imported by
CoursesConfig.ready(), as every app wires its signals): the exam prerequisites
("courses.hours_done", ...), the training plans offered as candidates, and the step that
enrols the people waiting for a newly published 三违 return exam."""

from __future__ import annotations

from question_banks.services.internal_exams import on_return_exam_published

from . import exam_providers, prerequisites  # noqa: F401  (register themselves on import)
from .services.records import violations_enrol_waiting

on_return_exam_published(violations_enrol_waiting)
