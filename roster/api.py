"""Roster endpoints of the JSON API (see config/api.py).

Thin like the pages: every read goes through roster.selectors with request.user, every
write through roster.services, and input is validated by the same form as the page, so the
API and the pages cannot drift apart. Conventions:

- A missing and an out-of-scope object answer the same 404 with the same message, so the
  API is no oracle for what exists outside one's scope.
- The staff lists (enterprises, roster) answer 403 to trainees and accounts without a role.
- Bad input answers 422 in Ninja's shape (`{"detail": [{"loc", "msg", "type"}]}`) with one
  message per field in the user's language.
- Lists always mask ID numbers and phones; a person's detail shows them in full only to
  those `can_see_full_id` allows. Staff reading personal data leave an audit row.
"""

# No `from __future__ import annotations` here: Ninja reads the parameter annotations
# (Query[...], the payload schemas) at import time.
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.pagination import PageNumberPagination, paginate

from .choices import EmploymentForm, EmploymentStatus, PersonnelCategory
from .forms import PersonForm
from .identity import mask_id_number, mask_phone
from .models import Employment, Enterprise, Person, Region
from .schemas import (
    EnterpriseDetailOut,
    EnterpriseFilters,
    EnterpriseOut,
    Invalid,
    MeOut,
    Message,
    PersonIn,
    PersonOut,
    PersonPatch,
    RosterFilters,
    RosterRowOut,
    TransferRequestedOut,
    choice,
)
from .selectors import (
    administered_enterprises,
    can_edit_person,
    can_see_full_id,
    employment_list,
    enterprise_get,
    enterprise_list,
    person_get,
    user_scope,
)
from .services import PersonData, RosterError, audit_record, person_create_or_update
from .services.transfers import transfer_requested_message

router = Router(tags=["roster"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
_SEARCH_MAX = 50  # as on the pages: a search term is a name, a number or a post
MAX_PAGE = 1_000_000


class Pages(PageNumberPagination):
    """Ninja's page numbers with an upper bound: a page number beyond any roster is a clear
    422, not an OFFSET too large for the database (a 500 found by tests/security fuzzing)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


# --- helpers -------------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if not user_scope(request.user).is_staff_scope:
        raise HttpError(403, _("This list is for enterprise admins, trainers and regulators."))


def _person_or_404(request: HttpRequest, pk: int) -> Person:
    try:
        return person_get(user=request.user, pk=pk)
    except Person.DoesNotExist as exc:
        raise HttpError(404, _("No such person in your scope.")) from exc


def _refuse(errors: dict[str, list[str]], *, where: tuple[str, ...]) -> ValidationError:
    """A 422 in Ninja's own shape, with messages already in the user's language."""
    return ValidationError(
        [
            {"type": "invalid", "loc": [*where, field], "msg": message}
            for field, messages in errors.items()
            for message in messages
        ]
    )


def _check_choices(filters: RosterFilters) -> None:
    vocabularies = {
        "category": PersonnelCategory,
        "employment_form": EmploymentForm,
        "status": EmploymentStatus,
    }
    errors = {
        field: [
            _("Select a valid choice. %(value)s is not one of the available choices.")
            % {"value": getattr(filters, field)}
        ]
        for field, vocabulary in vocabularies.items()
        if getattr(filters, field) and getattr(filters, field) not in vocabulary.values
    }
    if errors:
        raise _refuse(errors, where=("query",))


def _valid_person_form(values: dict) -> dict:
    form = PersonForm(data={k: "" if v is None else v for k, v in values.items()})
    if not form.is_valid():
        errors = {
            field: [e["message"] for e in field_errors]
            for field, field_errors in form.errors.get_json_data().items()
        }
        raise _refuse(errors, where=("body", "payload"))
    return form.cleaned_data


def _write_person(request: HttpRequest, data: PersonData):
    """The one roster service, its refusals in the API's shapes: 403 for an enterprise the
    caller does not administer, 422 at the field at fault (a name that differs from the one
    on file)."""
    try:
        return person_create_or_update(data=data, actor=request.user, request=request)
    except RosterError as exc:
        if exc.code == "not_admin":
            raise HttpError(403, exc.message) from exc
        raise _refuse({exc.field or "__all__": [exc.message]}, where=("body", "payload")) from exc


def _person_data(cleaned: dict, *, enterprise: Enterprise, id_number: str) -> PersonData:
    return PersonData(
        id_number=id_number,
        name=cleaned["name"],
        enterprise=enterprise,
        category=cleaned["category"],
        phone=cleaned["phone"],
        department_name=cleaned["department"],
        post=cleaned["post"],
        employment_form=cleaned["employment_form"],
        hire_date=cleaned["hire_date"],
    )


def _person_out(request: HttpRequest, person: Person) -> dict:
    """The detail of a person from `person_get`: employments prefetched, limited to the
    caller's scope, the current one first."""
    full = can_see_full_id(user=request.user, person=person)
    return {
        "id": person.pk,
        "name": person.name,
        "full_identity": full,
        "id_number": person.id_number if full else mask_id_number(person.id_number),
        "phone": person.phone if full else mask_phone(person.phone),
        "sex": choice(person, "sex"),
        "birth_date": person.birth_date if full else None,
        "may_edit": can_edit_person(user=request.user, person=person),
        "employments": list(person.employments.all()),
    }


# --- enterprises ---------------------------------------------------------------------------


@router.get(
    "/enterprises",
    response={200: list[EnterpriseOut], 403: Message},
    summary="Enterprises in your scope",
)
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_enterprises(request, filters: Query[EnterpriseFilters]):
    _require_staff(request)
    qs = enterprise_list(user=request.user).annotate(
        headcount=Count("employments", filter=Q(employments__ended_on__isnull=True))
    )
    if filters.region:
        region = Region.objects.filter(code=filters.region.strip()).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if filters.industry:
        qs = qs.filter(industry__code=filters.industry.strip())
    search = filters.q.strip()[:_SEARCH_MAX]
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(uscc=search.upper()))
    return qs.order_by("name", "pk")


@router.get(
    "/enterprises/{uscc}",
    response={200: EnterpriseDetailOut, 403: Message, 404: Message},
    summary="One enterprise in your scope",
)
def get_enterprise(request, uscc: str):
    _require_staff(request)
    try:
        enterprise = enterprise_get(user=request.user, uscc=uscc.strip().upper())
    except Enterprise.DoesNotExist as exc:
        raise HttpError(404, _("No such enterprise in your scope.")) from exc
    current = enterprise.employments.filter(ended_on__isnull=True)
    by_category = current.values("category").annotate(n=Count("pk")).order_by("category")
    labels = dict(PersonnelCategory.choices)
    return {
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "region": enterprise.region,
        "industry": enterprise.industry,
        "is_active": enterprise.is_active,
        "headcount": sum(row["n"] for row in by_category),
        "address": enterprise.address,
        "legal_representative": enterprise.legal_representative,
        "contact_phone": enterprise.contact_phone,
        "departments": list(enterprise.departments.order_by("name").values_list("name", flat=True)),
        "by_category": [
            {
                "category": {
                    "value": row["category"],
                    "label": str(labels.get(row["category"], row["category"])),
                },
                "count": row["n"],
            }
            for row in by_category
        ],
    }


# --- people --------------------------------------------------------------------------------


@router.get(
    "/people",
    response={200: list[RosterRowOut], 403: Message},
    summary="The roster: one row per current employment in your scope",
)
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_people(request, filters: Query[RosterFilters]):
    _require_staff(request)
    _check_choices(filters)
    rows = employment_list(
        user=request.user,
        category=filters.category,
        employment_form=filters.employment_form,
        status=filters.status,
        search=filters.q[:_SEARCH_MAX],
    )
    if filters.enterprise:
        # Within the scoped rows: an enterprise outside the scope simply has no rows.
        rows = rows.filter(enterprise__uscc=filters.enterprise.strip().upper())
    audit_record(
        actor=request.user,
        action="api.people.list",
        request=request,
        filters={k: v for k, v in filters.model_dump().items() if v},
        page=request.GET.get("page", "1"),
    )
    return rows


@router.get(
    "/people/{person_id}",
    response={200: PersonOut, 404: Message},
    summary="One person with their employment history",
)
def get_person(request, person_id: int):
    person = _person_or_404(request, person_id)
    out = _person_out(request, person)
    if request.user.person_id != person.pk:
        # Staff reading someone's record; a trainee reading their own is not audited.
        audit_record(
            actor=request.user,
            action="person.view",
            target=person,
            summary=person.name,
            request=request,
            full_identity=out["full_identity"],
        )
    return out


@router.post(
    "/people",
    response={
        201: PersonOut,
        200: PersonOut,
        403: Message,
        409: TransferRequestedOut,
        422: Invalid,
    },
    summary="Put a person on the roster of an enterprise you administer",
    description=(
        "201 when the person joins the enterprise (new, without a current job, or moving "
        "from another enterprise you also administer); 200 when they were already on its "
        "roster and their details were updated. 409 when the person is currently employed "
        "at an enterprise you do not administer: nothing about the person changes, a "
        "transfer request goes to their current enterprise (or waits there already), and "
        "the answer says only that, with the request's id and status. 422 when the name "
        "differs from the one registered with this ID number (loc ends in `name`)."
    ),
)
def create_person(request, payload: PersonIn):
    administered = administered_enterprises(user=request.user)
    if payload.enterprise:
        enterprise = administered.filter(uscc=payload.enterprise.strip().upper()).first()
    else:
        enterprise = administered.first() if administered.count() == 1 else None
    if enterprise is None:
        # The same answer for an enterprise that exists elsewhere and one that does not.
        raise HttpError(403, _("Choose an enterprise you administer."))
    cleaned = _valid_person_form(payload.model_dump(exclude={"enterprise"}))
    result = _write_person(
        request, _person_data(cleaned, enterprise=enterprise, id_number=cleaned["id_number"])
    )
    if result.transfer is not None:
        # Employed elsewhere: the caller learns that much and the state of its own request.
        return Status(
            409,
            {
                "detail": transfer_requested_message(created=result.changed),
                "transfer_id": result.transfer.pk,
                "status": choice(result.transfer, "status"),
            },
        )
    person = person_get(user=request.user, pk=result.person.pk)
    return Status(201 if result.created_employment else 200, _person_out(request, person))


@router.patch(
    "/people/{person_id}",
    response={200: PersonOut, 403: Message, 404: Message, 409: Message, 422: Invalid},
    summary="Change a person on your enterprise's roster",
)
def update_person(request, person_id: int, payload: PersonPatch):
    person = _person_or_404(request, person_id)
    if not can_edit_person(user=request.user, person=person):
        raise HttpError(403, _("Only the admin of this person's enterprise can change it."))
    employment = next((e for e in person.employments.all() if e.ended_on is None), None)
    if employment is None:
        raise HttpError(409, _("This person is on no roster now; there is nothing to change."))
    current = {
        "name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
        "department": employment.department.name if employment.department_id else "",
        "post": employment.post,
        "category": employment.category,
        "employment_form": employment.employment_form,
        "hire_date": employment.hire_date.isoformat() if employment.hire_date else "",
    }
    cleaned = _valid_person_form({**current, **payload.model_dump(exclude_unset=True)})
    if cleaned["id_number"] != person.id_number:
        raise _refuse(
            {"id_number": [_("The ID number identifies the person and cannot change.")]},
            where=("body", "payload"),
        )
    _write_person(
        request,
        _person_data(cleaned, enterprise=employment.enterprise, id_number=person.id_number),
    )
    return _person_out(request, person_get(user=request.user, pk=person.pk))


# --- me ------------------------------------------------------------------------------------


@router.get("/me", response=MeOut, summary="Who you are signed in as, and what you may see")
def me(request):
    user = request.user
    person = user.person
    current = None
    if person is not None:
        current = (
            Employment.objects.current().filter(person=person).select_related("enterprise").first()
        )
    grants = user.role_grants.select_related("enterprise", "region").prefetch_related("industries")
    return {
        "username": user.username,
        "name": str(user),
        "is_system_admin": user.is_superuser,
        "is_staff_scope": user_scope(user).is_staff_scope,
        "must_change_password": user.must_change_password,
        "roles": list(grants.order_by("pk")),
        "person": None
        if person is None
        else {
            "id": person.pk,
            "name": person.name,
            "id_number": mask_id_number(person.id_number),
            "phone": mask_phone(person.phone),
            "current": current,
        },
    }
