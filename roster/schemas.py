"""Shapes of the roster API (Django Ninja schemas): what goes in and what comes out.

Choice fields come out as `{"value", "label"}` so a client can filter by the value and show
the label in the user's language without a copy of the vocabularies. Person fields that
identify someone (ID number, phone) are masked unless the caller may see them in full; the
API module decides, these classes only describe the result.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from .choices import EmploymentForm, EmploymentStatus, PersonnelCategory
from .identity import mask_id_number, mask_phone


def choice(obj, field: str) -> dict:
    """A model's choice field as value and label (in the active language)."""
    return {"value": getattr(obj, field), "label": getattr(obj, f"get_{field}_display")()}


def _enum(choices) -> dict:
    """Document the allowed values in the schema without letting pydantic validate them:
    invalid values are refused by the API with a message in the user's language."""
    return {"enum": list(choices.values)}


class Choice(Schema):
    value: str
    label: str


class RegionOut(Schema):
    code: str
    name: str


class IndustryOut(Schema):
    code: str
    name: str
    high_risk: bool


class EnterpriseRef(Schema):
    uscc: str
    name: str


class EnterpriseOut(Schema):
    uscc: str
    name: str
    region: RegionOut
    industry: IndustryOut
    is_active: bool
    headcount: int = Field(description="People currently employed.")


class CategoryCount(Schema):
    category: Choice
    count: int


class EnterpriseDetailOut(EnterpriseOut):
    address: str
    legal_representative: str
    contact_phone: str
    departments: list[str]
    by_category: list[CategoryCount]


class EnterpriseFilters(Schema):
    region: str = Field("", description="Division code; the whole subtree below it matches.")
    industry: str = Field("", description="Industry code.")
    q: str = Field("", description="Part of the name, or the exact credit code.")


class RosterFilters(Schema):
    enterprise: str = Field("", description="Unified social credit code of one enterprise.")
    category: str = Field("", json_schema_extra=_enum(PersonnelCategory))
    employment_form: str = Field("", json_schema_extra=_enum(EmploymentForm))
    status: str = Field("", json_schema_extra=_enum(EmploymentStatus))
    q: str = Field("", description="Part of the name or post, or the exact ID number or phone.")


class RosterRowOut(Schema):
    """One current employment. Lists never carry a full ID number, phone or birth date."""

    person_id: int
    name: str
    id_number: str = Field(description="Always masked in lists.")
    sex: Choice
    phone: str = Field(description="Always masked in lists.")
    enterprise: EnterpriseRef
    department: str | None
    post: str
    category: Choice
    employment_form: Choice
    status: Choice
    hire_date: dt.date | None

    # Built from an Employment with person, enterprise and department selected: the
    # masking happens here, so no list can carry a full number whatever the query was.
    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_id_number(obj) -> str:
        return mask_id_number(obj.person.id_number)

    @staticmethod
    def resolve_sex(obj) -> dict:
        return choice(obj.person, "sex")

    @staticmethod
    def resolve_phone(obj) -> str:
        return mask_phone(obj.person.phone)

    @staticmethod
    def resolve_department(obj) -> str | None:
        return obj.department.name if obj.department_id else None

    @staticmethod
    def resolve_category(obj) -> dict:
        return choice(obj, "category")

    @staticmethod
    def resolve_employment_form(obj) -> dict:
        return choice(obj, "employment_form")

    @staticmethod
    def resolve_status(obj) -> dict:
        return choice(obj, "status")


class EventOut(Schema):
    kind: Choice
    effective_on: dt.date
    reason: str
    changes: dict

    @staticmethod
    def resolve_kind(obj) -> dict:
        return choice(obj, "kind")


class EmploymentOut(Schema):
    enterprise: EnterpriseRef
    department: str | None
    post: str
    category: Choice
    employment_form: Choice
    status: Choice
    status_since: dt.date | None
    hire_date: dt.date | None
    ended_on: dt.date | None
    is_current: bool
    events: list[EventOut]

    @staticmethod
    def resolve_department(obj) -> str | None:
        return obj.department.name if obj.department_id else None

    @staticmethod
    def resolve_category(obj) -> dict:
        return choice(obj, "category")

    @staticmethod
    def resolve_employment_form(obj) -> dict:
        return choice(obj, "employment_form")

    @staticmethod
    def resolve_status(obj) -> dict:
        return choice(obj, "status")

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())


class PersonOut(Schema):
    id: int
    name: str
    full_identity: bool = Field(
        description="True when id_number, phone and birth_date are shown in full (audited)."
    )
    id_number: str
    phone: str
    sex: Choice
    birth_date: dt.date | None = Field(
        description="Only with full_identity: with the masked ID it would complete the number."
    )
    may_edit: bool
    employments: list[EmploymentOut] = Field(description="The current one first, then by end.")


class PersonIn(Schema):
    """A person to put on an enterprise roster. Validated like the page's form.

    Required fields have a blank default on purpose: the form then reports a missing one
    in the user's language, where pydantic would answer in English. The schema still
    marks them required.
    """

    model_config = {"json_schema_extra": {"required": ["id_number", "name", "category"]}}

    enterprise: str = Field(
        "", description="Credit code; may be left out by the admin of a single enterprise."
    )
    id_number: str = ""
    name: str = ""
    phone: str = ""
    department: str = ""
    post: str = ""
    category: str = Field("", json_schema_extra=_enum(PersonnelCategory))
    employment_form: str = Field(
        EmploymentForm.REGULAR.value, json_schema_extra=_enum(EmploymentForm)
    )
    hire_date: str | None = Field(None, description="YYYY-MM-DD", examples=["2024-03-01"])


class PersonPatch(Schema):
    """Only the fields sent change. The ID number identifies the person and cannot change."""

    id_number: str | None = Field(None, description="Accepted only when unchanged.")
    name: str | None = None
    phone: str | None = None
    department: str | None = None
    post: str | None = None
    category: str | None = Field(None, json_schema_extra=_enum(PersonnelCategory))
    employment_form: str | None = Field(None, json_schema_extra=_enum(EmploymentForm))
    hire_date: str | None = Field(None, description="YYYY-MM-DD")


class CurrentEmploymentOut(Schema):
    enterprise: EnterpriseRef
    post: str
    category: Choice
    status: Choice

    @staticmethod
    def resolve_category(obj) -> dict:
        return choice(obj, "category")

    @staticmethod
    def resolve_status(obj) -> dict:
        return choice(obj, "status")


class PersonSummaryOut(Schema):
    id: int
    name: str
    id_number: str = Field(description="Masked; the person's own detail shows it in full.")
    phone: str
    current: CurrentEmploymentOut | None


class RoleGrantOut(Schema):
    role: Choice
    enterprise: EnterpriseRef | None
    region: RegionOut | None
    industries: list[str] = Field(description="Industry codes; empty means every industry.")

    @staticmethod
    def resolve_role(obj) -> dict:
        return choice(obj, "role")

    @staticmethod
    def resolve_industries(obj) -> list[str]:
        return [i.code for i in obj.industries.all()]


class MeOut(Schema):
    username: str
    name: str
    is_system_admin: bool
    is_staff_scope: bool = Field(description="May open the staff lists (roster, enterprises).")
    must_change_password: bool
    roles: list[RoleGrantOut]
    person: PersonSummaryOut | None


class Message(Schema):
    detail: str


class TransferRequestedOut(Schema):
    """The person is employed at another enterprise: a transfer request was sent there (or
    is waiting there already). Nothing else about the person is told."""

    detail: str = Field(description="What happened, in the user's language.")
    transfer_id: int = Field(description="Your enterprise's transfer request.")
    status: Choice = Field(description="The request's status (`pending` until decided).")


class FieldError(Schema):
    loc: list[str | int] = Field(description='Where, e.g. ["body", "payload", "id_number"].')
    msg: str = Field(description="Why, in the user's language.")
    type: str


class Invalid(Schema):
    detail: list[FieldError]
