"""The trainee's own study pages ("my study"); the lesson page itself is a Wagtail page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from courses import selectors


@login_required
def my_study(request):
    person = request.user.person if request.user.person_id else None
    context = {"person": person, "courses": [], "hours": None, "today": timezone.localdate()}
    if person is not None:
        context["courses"] = selectors.my_courses(person=person)
        context["hours"] = selectors.year_hours(person=person)
    return render(request, "courses/my_study.html", context)
