"""Signals other apps listen to, so the exam engine never imports them (certificates issue
on a pass through `attempt_passed`)."""

from django.dispatch import Signal

# Sent after the transaction that graded the attempt commits; kwargs: attempt_id.
attempt_passed = Signal()

# Sent inside the transaction that grades an attempt (submitted or expired), so a listener's
# writes commit or roll back with the grade; kwargs: attempt (graded, with session and rule).
attempt_finished = Signal()
