"""What each audit action means, in the reader's language. The rows keep the codes (stable
across releases and languages, and what the filters and exports match on); the audit log's
pages show these labels. Every code the project records is here
(tests/roster/test_audit_actions.py walks the sources to make sure)."""

from django.utils.translation import pgettext_lazy

AUDIT_ACTIONS = {
    # Accounts
    "login": pgettext_lazy("audit action", "Signed in"),
    "logout": pgettext_lazy("audit action", "Signed out"),
    "login.failed": pgettext_lazy("audit action", "Sign-in failed"),
    "login.locked": pgettext_lazy("audit action", "Sign-in locked after failed attempts"),
    "password.change": pgettext_lazy("audit action", "Password changed"),
    "account.create": pgettext_lazy("audit action", "Account created"),
    "activation_code.issue": pgettext_lazy("audit action", "Activation code issued"),
    "activation_code.print": pgettext_lazy("audit action", "Activation code slips printed"),
    "activation_code.export": pgettext_lazy("audit action", "Activation codes exported"),
    "role.grant": pgettext_lazy("audit action", "Role granted"),
    "role.change": pgettext_lazy("audit action", "Role changed"),
    "role.revoke": pgettext_lazy("audit action", "Role revoked"),
    # Roster
    "person.create": pgettext_lazy("audit action", "Person added"),
    "person.update": pgettext_lazy("audit action", "Person's details changed"),
    "person.view": pgettext_lazy("audit action", "Person's file viewed"),
    "person.edit_view": pgettext_lazy("audit action", "Person's edit form opened"),
    "person.reveal_id": pgettext_lazy("audit action", "Full ID number shown"),
    "employment.status": pgettext_lazy("audit action", "Employment status changed"),
    "roster.list": pgettext_lazy("audit action", "Roster listed"),
    "roster.import": pgettext_lazy("audit action", "Roster imported"),
    "roster.export": pgettext_lazy("audit action", "Roster exported"),
    "enterprises.import": pgettext_lazy("audit action", "Enterprise directory imported"),
    "enterprises.export": pgettext_lazy("audit action", "Enterprise directory exported"),
    "regions.import": pgettext_lazy("audit action", "Region list imported"),
    "regions.export": pgettext_lazy("audit action", "Region list exported"),
    "api.people.list": pgettext_lazy("audit action", "People listed through the API"),
    "transfer.request": pgettext_lazy("audit action", "Transfer of a person requested"),
    "transfer.accept": pgettext_lazy("audit action", "Transfer request accepted"),
    "transfer.refuse": pgettext_lazy("audit action", "Transfer request refused"),
    "transfer.cancel": pgettext_lazy("audit action", "Transfer request withdrawn"),
    "transfer.lapse": pgettext_lazy("audit action", "Transfer request lapsed"),
    "transfer.list": pgettext_lazy("audit action", "Transfer requests listed"),
    # Training
    "courses.plan_create": pgettext_lazy("audit action", "Training plan created"),
    "courses.plan_assign": pgettext_lazy("audit action", "Training plan assigned"),
    "courses.plan_view": pgettext_lazy("audit action", "Training plan viewed"),
    "courses.plan_overdue": pgettext_lazy("audit action", "Overdue training listed"),
    "courses.records_view": pgettext_lazy("audit action", "Training records viewed"),
    "courses.training_file_view": pgettext_lazy("audit action", "Training file viewed"),
    "courses.training_file_pdf": pgettext_lazy("audit action", "Training file downloaded as PDF"),
    "courses.training_file_xlsx": pgettext_lazy(
        "audit action", "Training file downloaded as Excel"
    ),
    "courses.training_records_export": pgettext_lazy("audit action", "Training records exported"),
    "courses.classroom_record": pgettext_lazy("audit action", "Classroom training recorded"),
    "courses.classroom_update": pgettext_lazy("audit action", "Classroom training changed"),
    "courses.classroom_view": pgettext_lazy("audit action", "Classroom training viewed"),
    "courses.safety_education": pgettext_lazy(
        "audit action", "Three-level safety education recorded"
    ),
    "courses.violation": pgettext_lazy("audit action", "Violation retraining recorded"),
    "courses.violation_return": pgettext_lazy(
        "audit action", "Back at work after violation retraining"
    ),
    # Questions and exams
    "questions.import": pgettext_lazy("audit action", "Questions imported"),
    "question.edit": pgettext_lazy("audit action", "Question edited"),
    "question.fix_key": pgettext_lazy("audit action", "Answer key corrected and papers regraded"),
    "question.enable": pgettext_lazy("audit action", "Question put in use"),
    "question.disable": pgettext_lazy("audit action", "Question taken out of use"),
    "question.move": pgettext_lazy("audit action", "Question moved"),
    "exam.session_publish": pgettext_lazy("audit action", "Exam session published"),
    "exam.candidates_add": pgettext_lazy("audit action", "Candidates added to an exam session"),
    "exam.candidate_grant": pgettext_lazy("audit action", "Extra time or attempts granted"),
    "exam.candidate_remove": pgettext_lazy(
        "audit action", "Candidate removed from an exam session"
    ),
    "exam.session_close": pgettext_lazy("audit action", "Exam session closed early"),
    "exam.session_unpublish": pgettext_lazy("audit action", "Exam session withdrawn"),
    "exam.admission_export": pgettext_lazy("audit action", "Admission tickets exported"),
    "exam.candidates_view": pgettext_lazy("audit action", "Exam candidates viewed"),
    "exam.results_view": pgettext_lazy("audit action", "Exam results viewed"),
    "exam.results_export": pgettext_lazy("audit action", "Exam results exported"),
    # Certificates
    "certificate.view": pgettext_lazy("audit action", "Certificate viewed"),
    "certificate.manage_view": pgettext_lazy(
        "audit action", "Certificate's management page opened"
    ),
    "certificate.lookup": pgettext_lazy("audit action", "Certificates looked up by number"),
    "certificate.practical_exam": pgettext_lazy("audit action", "Practical exam recorded"),
    "certificate.health_check": pgettext_lazy("audit action", "Health check recorded"),
    "certificate.renumber": pgettext_lazy(
        "audit action", "Certificate renumbered to the one T + ID number"
    ),
    "certificate.pdf": pgettext_lazy("audit action", "Certificate PDF downloaded"),
    "certificate.pdf_batch": pgettext_lazy("audit action", "Certificate PDFs made in a batch"),
    "certificate.pdf_batch_download": pgettext_lazy(
        "audit action", "Batch of certificate PDFs downloaded"
    ),
    "certificates.holders": pgettext_lazy("audit action", "Certificate holders listed"),
    "certificates.import": pgettext_lazy("audit action", "Certificates imported"),
    "certificates.export": pgettext_lazy("audit action", "Certificates exported"),
    "certificates.operation_item_set": pgettext_lazy(
        "audit action", "Special operator's operation item set"
    ),
    "signing_key.create": pgettext_lazy("audit action", "New certificate signing key"),
    # Reports
    "reports.people": pgettext_lazy("audit action", "People behind a report figure listed"),
    "reports.export": pgettext_lazy("audit action", "Report exported"),
    # Notices and the shared library
    "notice.publish": pgettext_lazy("audit action", "Notice published"),
    "notice.acknowledge": pgettext_lazy("audit action", "Notice acknowledged"),
    "notice.receipts_view": pgettext_lazy("audit action", "Notice receipts viewed"),
    "notice.receipts_export": pgettext_lazy("audit action", "Notice receipts exported"),
    "notice.edit": pgettext_lazy("audit action", "Notice changed after publishing"),
    "notice.withdraw": pgettext_lazy("audit action", "Notice withdrawn"),
    "knowledge.publish": pgettext_lazy("audit action", "Library item published"),
    # Emergency drills
    "drills.record": pgettext_lazy("audit action", "Drill recorded or changed"),
    "drills.export": pgettext_lazy("audit action", "Drill figures exported"),
    "contests.figures_export": pgettext_lazy("audit action", "Contest figures exported"),
    "drills.view": pgettext_lazy("audit action", "Drill record viewed"),
    # Warning education, rotation training, campaign months
    "warning.assign": pgettext_lazy("audit action", "Warning case assigned"),
    "warning.meeting": pgettext_lazy("audit action", "Warning-education meeting recorded"),
    "warning.readers_view": pgettext_lazy("audit action", "Readers of a warning case viewed"),
    "rotation.create": pgettext_lazy("audit action", "Rotation training campaign defined"),
    "rotation.sync": pgettext_lazy("audit action", "Rotation training members updated"),
    "rotation.session": pgettext_lazy("audit action", "Rotation training session scheduled"),
    "rotation.schedule": pgettext_lazy("audit action", "People scheduled for a session"),
    "rotation.attendance": pgettext_lazy("audit action", "Rotation training attendance recorded"),
    "rotation.exam": pgettext_lazy("audit action", "Rotation training exam result recorded"),
    "rotation.exam_link": pgettext_lazy(
        "audit action", "Rotation training closing exam session linked"
    ),
    "rotation.exam_take": pgettext_lazy(
        "audit action", "Rotation training closing exam results taken"
    ),
    "rotation.members_view": pgettext_lazy("audit action", "Rotation training members viewed"),
    "month.activity": pgettext_lazy("audit action", "Campaign-month activity recorded"),
}


# The details a row keeps (audit_record's keywords), labelled for its reader: the row keeps
# the keys, the audit log's pages show these (tests/site/test_admin_chinese.py walks the sources).
AUDIT_DETAILS = {
    "acknowledgements_cleared": pgettext_lazy("audit detail", "Acknowledgements cleared"),
    "added": pgettext_lazy("audit detail", "Added"),
    "asked_again": pgettext_lazy("audit detail", "Asked again"),
    "attendees": pgettext_lazy("audit detail", "Attendees"),
    "bad_rows": pgettext_lazy("audit detail", "Bad rows"),
    "bank": pgettext_lazy("audit detail", "Question bank"),
    "by": pgettext_lazy("audit detail", "Grouped by"),
    "category": pgettext_lazy("audit detail", "Personnel category"),
    "code": pgettext_lazy("audit detail", "Code"),
    "contest": pgettext_lazy("audit detail", "Contest"),
    "count": pgettext_lazy("audit detail", "Count"),
    "created": pgettext_lazy("audit detail", "Created"),
    "date": pgettext_lazy("audit detail", "Date"),
    "decided": pgettext_lazy("audit detail", "Decided"),
    "discarded": pgettext_lazy("audit detail", "Discarded"),
    "enterprise": pgettext_lazy("audit detail", "Enterprise"),
    "enterprises": pgettext_lazy("audit detail", "Enterprises"),
    "errors": pgettext_lazy("audit detail", "Errors"),
    "evidence": pgettext_lazy("audit detail", "Evidence"),
    "expires": pgettext_lazy("audit detail", "Expires"),
    "extra_attempts": pgettext_lazy("audit detail", "Extra attempts"),
    "extra_minutes": pgettext_lazy("audit detail", "Extra minutes"),
    "failures": pgettext_lazy("audit detail", "Failures"),
    "filters": pgettext_lazy("audit detail", "Filters"),
    "format": pgettext_lazy("audit detail", "Format"),
    "from_enterprise": pgettext_lazy("audit detail", "From enterprise"),
    "full_identity": pgettext_lazy("audit detail", "Full identity"),
    "gaps": pgettext_lazy("audit detail", "Gaps"),
    "industries": pgettext_lazy("audit detail", "Industries"),
    "industry": pgettext_lazy("audit detail", "Industry"),
    "item": pgettext_lazy("audit detail", "Item"),
    "key": pgettext_lazy("audit detail", "Key"),
    "kid": pgettext_lazy("audit detail", "Key id"),
    "lock_seconds": pgettext_lazy("audit detail", "Locked for (seconds)"),
    "login": pgettext_lazy("audit detail", "Login name"),
    "masked": pgettext_lazy("audit detail", "Masked"),
    "only_valid": pgettext_lazy("audit detail", "Only valid rows"),
    "outgoing": pgettext_lazy("audit detail", "Outgoing"),
    "output": pgettext_lazy("audit detail", "Output"),
    "page": pgettext_lazy("audit detail", "Page"),
    "participants": pgettext_lazy("audit detail", "Participants"),
    "passed": pgettext_lazy("audit detail", "Passed"),
    "people": pgettext_lazy("audit detail", "People"),
    "person": pgettext_lazy("audit detail", "Person"),
    "reason": pgettext_lazy("audit detail", "Reason"),
    "receipts": pgettext_lazy("audit detail", "Receipts"),
    "region": pgettext_lazy("audit detail", "Region"),
    "regraded": pgettext_lazy("audit detail", "Regraded"),
    "results": pgettext_lazy("audit detail", "Results"),
    "retired": pgettext_lazy("audit detail", "Retired"),
    "role": pgettext_lazy("audit detail", "Role"),
    "round": pgettext_lazy("audit detail", "Round"),
    "scope": pgettext_lazy("audit detail", "Scope"),
    "seat": pgettext_lazy("audit detail", "Seat"),
    "skipped": pgettext_lazy("audit detail", "Skipped"),
    "to_enterprise": pgettext_lazy("audit detail", "To enterprise"),
    "training_body": pgettext_lazy("audit detail", "Training body"),
    "transfer": pgettext_lazy("audit detail", "Transfer"),
    "transfers": pgettext_lazy("audit detail", "Transfers"),
    "unchanged": pgettext_lazy("audit detail", "Unchanged"),
    "updated": pgettext_lazy("audit detail", "Updated"),
    "user": pgettext_lazy("audit detail", "User"),
    "variant": pgettext_lazy("audit detail", "Variant"),
    "waiting": pgettext_lazy("audit detail", "Waiting"),
    "was": pgettext_lazy("audit detail", "Was"),
}


def _detail_value(value) -> str:
    if isinstance(value, bool):
        return str(
            pgettext_lazy("audit detail", "Yes") if value else pgettext_lazy("audit detail", "No")
        )
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(_detail_value(v) for v in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{audit_detail_label(k)}：{_detail_value(v)}" for k, v in value.items())
    return str(value)


def audit_detail_label(key: str) -> str:
    """A detail's label; a key not (yet) labelled is shown as it is rather than hidden."""
    return str(AUDIT_DETAILS.get(key, key))


def audit_details(data: dict) -> list[tuple[str, str]]:
    """An audit row's details as (label, value) in the reader's language, in recorded order."""
    return [(audit_detail_label(k), _detail_value(v)) for k, v in (data or {}).items()]
