"""The lesson editor in the Wagtail admin: each kind of lesson asks only for its own fields.

A video lesson needs its file and its length (the length is what it credits); a document
lesson its PDF; a text lesson its text. The other kinds' fields are hidden while the editor
picks a kind (Wagtail's own `w-rules` controller, which shows a panel when the form's values
match its rules), and on saving they are checked here, so a text lesson never asks for a
video length and a video lesson cannot be saved without one.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

VIDEO, DOCUMENT, TEXT = "video", "document", "text"


def shown_for(*kinds: str) -> dict[str, str]:
    """HTML attributes that show a panel only while the lesson's kind is one of `kinds`.
    The controller sits on the panel itself and listens to changes anywhere in the page."""
    return {
        "data-controller": "w-rules",
        "data-action": "change@document->w-rules#resolve",
        "data-w-rules-target": "show",
        "data-w-rules": json.dumps({"kind": list(kinds)}),
    }


class LessonPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Asked for, and checked, only on a video lesson (clean below).
        if "duration_seconds" in self.fields:
            self.fields["duration_seconds"].required = False

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == VIDEO:
            if not cleaned.get("video"):
                self.add_error("video", _("A video lesson needs its video file."))
            if not cleaned.get("duration_seconds"):
                self.add_error(
                    "duration_seconds",
                    _("Enter the video's length in seconds: it is what the lesson credits."),
                )
        else:
            # Hidden fields of another kind keep nothing: a lesson changed from video to
            # text must not keep crediting a video's length.
            cleaned["video"] = None
            cleaned["duration_seconds"] = 0
        if kind == DOCUMENT:
            if not cleaned.get("document"):
                self.add_error("document", _("A document lesson needs its PDF."))
        elif kind in (VIDEO, TEXT):
            cleaned["document"] = None
        if kind == TEXT and not cleaned.get("body"):
            self.add_error("body", _("A text lesson needs its text."))
        return cleaned
