"""What the workbench pages (/exams/manage/…) share: who may use them, finding the user's own
session, and showing a service's refusal beside the right field."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from question_banks.models import ExamSession
from question_banks.selectors import sessions_managed_by
from question_banks.services.permissions import may_own


def owner_required(view):
    """Trainers of a training body, enterprise admins and the system admin; 403 for others."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not may_own(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def own_session(request, code: str) -> ExamSession:
    """The user's own session by code; 404 for another's (seeing a URL is not owning it)."""
    session = sessions_managed_by(user=request.user).filter(code=code).first()
    if session is None:
        raise Http404
    return session


def add_service_errors(form, error: ValidationError) -> None:
    """A service's ValidationError beside the form's fields, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)
