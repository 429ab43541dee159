"""The demo roster of `manage.py seed_demo`: a fictional county with its enterprises and people.

The county itself (regions, enterprises and their staffing, names, the fixed trainees and the
demo logins) is data, in demo/data/roster.json; this module plans the people from it and
applies the plan through the roster's services.

Everything here is invented. Region codes 99xxxx are not assigned by GB/T 2260, so demo
people and enterprises can never be mistaken for real ones; ID numbers and credit codes are
checksum-valid so that every form, importer and sign-in path accepts them.

Idempotent by construction: regions, enterprises, departments and accounts are keyed by fixed
codes and names (update_or_create / get_or_create); the people are generated from a fixed
random seed, so a second run plans exactly the same people and the services find nothing to
change. A person's history (a former employer, a status change) is written only when the
person is first created.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from roster.choices import EmploymentForm, EmploymentStatus, PersonnelCategory, RegionLevel, Role
from roster.identity import id_check_char, uscc_check_char
from roster.models import (
    ActivationCode,
    Department,
    Employment,
    Enterprise,
    Industry,
    Person,
    Region,
    RoleGrant,
    TrainingBody,
    TransferRequest,
    User,
)
from roster.selectors import activation_candidates
from roster.services.activation import activation_codes_issue
from roster.services.people import PersonData, employment_change_status, person_create_or_update

# The data lives in demo/data/roster.json; this module turns it into plans and applies them.
DATA = json.loads((Path(__file__).resolve().parent / "data" / "roster.json").read_text("utf-8"))

RANDOM_SEED: int = DATA["random_seed"]

# The one password of every demo account. It is printed by seed_demo and written in the
# README: that is why seed_demo refuses to run with DEBUG off unless told --force.
DEMO_PASSWORD = "Demo@2025"

C = PersonnelCategory
F = EmploymentForm

# --------------------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------------------
_REGIONS = DATA["regions"]
PROVINCE: tuple[str, str] = tuple(_REGIONS["province"])
CITY: tuple[str, str] = tuple(_REGIONS["city"])
COUNTY: tuple[str, str] = tuple(_REGIONS["county"])
NEIGHBOUR: tuple[str, str] = tuple(_REGIONS["neighbour"])
TOWNSHIPS: dict[str, list[tuple[str, str]]] = {
    county: [tuple(township) for township in townships]
    for county, townships in _REGIONS["townships"].items()
}
# 石门镇: a chemical plant, an iron mine, a machine works; 非煤矿山 + 危险化学品 only.
TOWNSHIP_REGULATOR_REGION: str = DATA["township_regulator"]["region"]
TOWNSHIP_REGULATOR_INDUSTRIES = tuple(DATA["township_regulator"]["industries"])


# --------------------------------------------------------------------------------------
# Enterprises: key, name, township, industry, address, departments, staffing
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Staff:
    """`count` people of one category and post in one department, with employment forms."""

    category: str
    post: str
    department: str
    count: int = 1
    forms: tuple[tuple[str, int], ...] = ((F.REGULAR, 1),)


@dataclass(frozen=True)
class DemoEnterprise:
    key: str
    org_code: str  # the 9-character organisation part of the credit code
    name: str
    region: str
    industry: str
    address: str
    # (name, kind, parent name or "")
    departments: tuple[tuple[str, str, str], ...]
    staff: tuple[Staff, ...]
    kind_code: str = "91"  # 91 company; 11 government body
    people_from: str = "990102"  # area code of most employees' ID numbers
    extra: dict = field(default_factory=dict)


def _enterprise(row: dict) -> DemoEnterprise:
    staff = tuple(
        Staff(**{**s, "forms": tuple(tuple(f) for f in s["forms"])} if "forms" in s else s)
        for s in row["staff"]
    )
    departments = tuple(tuple(d) for d in row["departments"])
    return DemoEnterprise(**{**row, "departments": departments, "staff": staff})


ENTERPRISES: tuple[DemoEnterprise, ...] = tuple(_enterprise(row) for row in DATA["enterprises"])

ENTERPRISE_ADMIN_OF: str = DATA["enterprise_admin_of"]  # 清河县宏达化工有限公司
# The coal mine's admin: its special operators (煤矿安全作业), their cards and what is due.
MINE_ADMIN_OF: str = DATA["mine_admin_of"]  # 清河县青山煤业有限责任公司
# The county's training centre (52: a private non-enterprise unit), which the demo trainer
# works for: it owns the demo question bank and holds the demo exam sessions in the county.
TRAINING_BODY = (DATA["training_body"]["name"], DATA["training_body"]["uscc_first17"])


# --------------------------------------------------------------------------------------
# Names: common surnames roughly by frequency (the first ones are drawn more often); given
# names as people of each generation are really called, (older, younger) pools of
# two-character names and, less often, one character.
# --------------------------------------------------------------------------------------
_NAMES = DATA["names"]
SURNAMES: str = _NAMES["surnames"]
MALE_GIVEN: tuple[str, str] = tuple(_NAMES["male_given"])
FEMALE_GIVEN: tuple[str, str] = tuple(_NAMES["female_given"])
MALE_SINGLE: str = _NAMES["male_single"]
FEMALE_SINGLE: str = _NAMES["female_single"]


# --------------------------------------------------------------------------------------
# Fixed people: the two trainees with accounts (their ID numbers are in the README)
# --------------------------------------------------------------------------------------
def _id(first17: str) -> str:
    return first17 + id_check_char(first17)


@dataclass(frozen=True)
class PlannedPerson:
    id_number: str
    name: str
    phone: str
    enterprise: str  # key
    category: str
    post: str
    department: str
    form: str
    hire_date: dt.date
    status: str = EmploymentStatus.ON_POST
    status_on: dt.date | None = None
    status_reason: str = ""
    # A former employer: (enterprise key, category, post, department, form, hire date).
    before: tuple | None = None


def _fixed_person(row: dict) -> PlannedPerson:
    first17 = row.pop("id_number_first17")
    hired = dt.date.fromisoformat(row.pop("hire_date"))
    return PlannedPerson(id_number=_id(first17), hire_date=hired, **row)


FIXED_PEOPLE = tuple(_fixed_person(dict(row)) for row in DATA["fixed_people"])
TRAINEE_1, TRAINEE_2 = FIXED_PEOPLE


# --------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    display_name: str
    sees: str


def _login(row: dict) -> DemoLogin:
    if "trainee" in row:  # a trainee signs in with their ID number (or phone)
        trainee = FIXED_PEOPLE[row["trainee"]]
        sees = row["sees"].format(phone=trainee.phone)
        return DemoLogin(row["role"], trainee.id_number, trainee.name, sees)
    return DemoLogin(row["role"], row["username"], row["display_name"], row["sees"])


LOGINS = tuple(_login(row) for row in DATA["logins"])


# --------------------------------------------------------------------------------------
# Planning (pure, deterministic) and applying (idempotent)
# --------------------------------------------------------------------------------------
def _pick_form(rng: random.Random, forms: tuple[tuple[str, int], ...]) -> str:
    values = [f for f, _ in forms]
    weights = [w for _, w in forms]
    return rng.choices(values, weights=weights)[0]


class _Planner:
    def __init__(self, seed: int = RANDOM_SEED) -> None:
        self.rng = random.Random(seed)
        self.ids = {p.id_number for p in FIXED_PEOPLE}
        self.phones = {p.phone for p in FIXED_PEOPLE}
        self.names: set[str] = {p.name for p in FIXED_PEOPLE}

    def _name(self, male: bool, birth: dt.date) -> str:
        rng = self.rng
        pools = MALE_GIVEN if male else FEMALE_GIVEN
        doubles = pools[0].split() + (pools[1].split() if birth.year >= 1985 else [])
        if birth.year >= 1990:
            doubles += pools[1].split()  # younger people more often have the newer names
        singles = MALE_SINGLE if male else FEMALE_SINGLE
        name = ""
        for _ in range(50):
            # Weight the frequent surnames: index drawn from a triangular distribution.
            surname = SURNAMES[int(rng.triangular(0, len(SURNAMES), 0))]
            given = rng.choice(singles) if rng.random() < 0.3 else rng.choice(doubles)
            name = surname + given
            if name not in self.names:
                self.names.add(name)
                return name
        return name  # a namesake is realistic too

    def _id_number(self, area: str, birth: dt.date, male: bool) -> str:
        rng = self.rng
        while True:
            seq = rng.randrange(0, 500) * 2 + (1 if male else 0)  # odd 17th digit = male
            value = _id(f"{area}{birth:%Y%m%d}{seq:03d}")
            if value not in self.ids:
                self.ids.add(value)
                return value

    def _phone(self) -> str:
        rng = self.rng
        while True:
            prefix = rng.choice(("135", "136", "138", "139", "150", "152", "158", "177", "187"))
            value = prefix + f"{rng.randrange(10**8):08d}"
            if value not in self.phones:
                self.phones.add(value)
                return value

    def _birth(self, category: str) -> dt.date:
        senior = {C.PRINCIPAL, C.CONSTRUCTION_A, C.SAFETY_MANAGER, C.CONSTRUCTION_B}
        start, end = (1965, 1985) if category in senior else (1968, 2003)
        year = self.rng.randint(start, end)
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    def _hire(self, birth: dt.date) -> dt.date:
        earliest = max(dt.date(birth.year + 19, 7, 1), dt.date(2005, 1, 1))
        latest = dt.date(2025, 3, 31)
        span = (latest - earliest).days
        return earliest + dt.timedelta(days=self.rng.randrange(max(span, 1)))

    def people(self) -> list[PlannedPerson]:
        rng = self.rng
        planned: list[PlannedPerson] = []
        for ent in ENTERPRISES:
            for staff in ent.staff:
                for _ in range(staff.count):
                    male = rng.random() < (0.55 if staff.category == C.GENERAL else 0.8)
                    birth = self._birth(staff.category)
                    name = self._name(male, birth)
                    area = (
                        ent.people_from if rng.random() < 0.85 else rng.choice(("990102", "990103"))
                    )
                    planned.append(
                        PlannedPerson(
                            id_number=self._id_number(area, birth, male),
                            name=name,
                            phone=self._phone(),
                            enterprise=ent.key,
                            category=staff.category,
                            post=staff.post,
                            department=staff.department,
                            form=_pick_form(rng, staff.forms),
                            hire_date=self._hire(birth),
                        )
                    )
        return self._with_history(planned)

    def _with_history(self, planned: list[PlannedPerson]) -> list[PlannedPerson]:
        """Some people are away from their post, changed post, or came from another employer."""
        rng = self.rng
        out = list(planned)
        general = [i for i, p in enumerate(out) if p.category == C.GENERAL]
        rng.shuffle(general)
        # 离岗 (away ≥ 6 months means a practical exam again for special operators).
        off = [i for i, p in enumerate(out) if p.category == C.SPECIAL_OPERATOR]
        rng.shuffle(off)
        for i, reason in zip(off[:3], ("病假", "长期外派学习", "工伤休养"), strict=True):
            p = out[i]
            out[i] = _replace(
                p,
                status=EmploymentStatus.OFF_POST,
                status_on=max(p.hire_date, dt.date(2024, 9, 1)) + dt.timedelta(days=30),
                status_reason=reason,
            )
        for i in general[:3]:
            p = out[i]
            out[i] = _replace(
                p,
                status=EmploymentStatus.OFF_POST,
                status_on=dt.date(2025, 1, 15),
                status_reason="离岗一年以上，复岗前需重新培训",
            )
        # 转岗: the post changed; 车间级 and 班组级 education again.
        for i in general[3:7]:
            p = out[i]
            out[i] = _replace(
                p,
                status=EmploymentStatus.TRANSFERRED,
                status_on=max(p.hire_date, dt.date(2024, 6, 1)) + dt.timedelta(days=10),
                status_reason="调整岗位",
            )
        # People who moved from another enterprise: their first stint is kept as history.
        keys = [e.key for e in ENTERPRISES if e.key != "agency"]
        for i in general[7:13]:
            p = out[i]
            former = rng.choice([k for k in keys if k != p.enterprise])
            first_hire = p.hire_date - dt.timedelta(days=rng.randint(400, 2000))
            adult = dt.date(int(p.id_number[6:10]) + 18, 9, 1)
            first_hire = max(first_hire, adult, dt.date(2005, 1, 1))
            if first_hire >= p.hire_date:
                continue
            out[i] = _replace(p, before=(former, C.GENERAL, "普工", "", F.TEMPORARY, first_hire))
        return out


def _replace(p: PlannedPerson, **changes) -> PlannedPerson:
    return replace(p, **changes)


def plan_people(seed: int = RANDOM_SEED) -> list[PlannedPerson]:
    """Every demo person, in a fixed order: the generated ones, then the two trainees."""
    return [*_Planner(seed).people(), *FIXED_PEOPLE]


def _uscc(ent: DemoEnterprise) -> str:
    county = ent.region[:6]
    first17 = f"{ent.kind_code}{county}{ent.org_code}"
    return first17 + uscc_check_char(first17)


def uscc_of(key: str) -> str:
    return _uscc(next(e for e in ENTERPRISES if e.key == key))


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    # Activation codes issued by this run (printed by seed_demo; they exist in clear only here).
    activation_codes: list = field(default_factory=list)

    def add(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def seed_regions(report: SeedReport) -> dict[str, Region]:
    regions: dict[str, Region] = {}

    def put(code: str, name: str, level: int, parent: Region | None) -> Region:
        region = Region.objects.filter(code=code).first()
        if region is None:
            region = Region(code=code)
            report.add("regions")
        if (region.name, region.level, region.parent_id) != (
            name,
            level,
            getattr(parent, "pk", None),
        ):
            region.name, region.level, region.parent = name, level, parent
            region.full_clean()
            region.save()
        regions[code] = region
        return region

    province = put(*PROVINCE, RegionLevel.PROVINCE, None)
    city = put(*CITY, RegionLevel.CITY, province)
    for county_code, county_name in (COUNTY, NEIGHBOUR):
        county = put(county_code, county_name, RegionLevel.COUNTY, city)
        for code, name in TOWNSHIPS[county_code]:
            put(code, name, RegionLevel.TOWNSHIP, county)
    return regions


def seed_enterprises(
    regions: dict[str, Region], planned: list[PlannedPerson], report: SeedReport
) -> dict[str, Enterprise]:
    industries = {i.code: i for i in Industry.objects.all()}
    rng = random.Random(RANDOM_SEED + 1)
    # The legal representative is the enterprise's first principal person.
    legal: dict[str, str] = {}
    for p in planned:
        if p.category in (C.PRINCIPAL, C.CONSTRUCTION_A):
            legal.setdefault(p.enterprise, p.name)
    out: dict[str, Enterprise] = {}
    for ent in ENTERPRISES:
        values = {
            "name": ent.name,
            "region": regions[ent.region],
            "industry": industries[ent.industry],
            "address": ent.address,
            "legal_representative": legal.get(ent.key, ""),
            "contact_phone": f"0999-{rng.randrange(2000000, 8999999)}",
            "is_active": True,
        }
        enterprise = Enterprise.objects.filter(uscc=_uscc(ent)).first()
        if enterprise is None:
            enterprise = Enterprise(uscc=_uscc(ent), **values)
            enterprise.full_clean()
            enterprise.save()
            report.add("enterprises")
        elif any(getattr(enterprise, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(enterprise, k, v)
            enterprise.save()
        out[ent.key] = enterprise
        # Departments: parents first, so a team can hang under its workshop.
        by_name: dict[str, Department] = {}
        for name, kind, parent in ent.departments:
            dept, created = Department.objects.get_or_create(
                enterprise=enterprise,
                name=name,
                defaults={"kind": kind, "parent": by_name.get(parent)},
            )
            if not created and (dept.kind, dept.parent_id) != (
                kind,
                getattr(by_name.get(parent), "pk", None),
            ):
                dept.kind, dept.parent = kind, by_name.get(parent)
                dept.save(update_fields=["kind", "parent"])
            report.add("departments", int(created))
            by_name[name] = dept
    return out


def seed_people(
    enterprises: dict[str, Enterprise], planned: list[PlannedPerson], report: SeedReport
) -> None:
    existing = set(
        Person.objects.filter(id_number__in=[p.id_number for p in planned]).values_list(
            "id_number", flat=True
        )
    )
    for p in planned:
        is_new = p.id_number not in existing
        if is_new and p.before is not None:
            key, category, post, dept, form, hired = p.before
            person_create_or_update(
                data=PersonData(
                    id_number=p.id_number,
                    name=p.name,
                    enterprise=enterprises[key],
                    category=category,
                    phone=p.phone,
                    department_name=dept,
                    post=post,
                    employment_form=form,
                    hire_date=hired,
                ),
                actor=None,
                audit=False,
                today=hired,
            )
        result = person_create_or_update(
            data=PersonData(
                id_number=p.id_number,
                name=p.name,
                enterprise=enterprises[p.enterprise],
                category=p.category,
                phone=p.phone,
                department_name=p.department,
                post=p.post,
                employment_form=p.form,
                hire_date=p.hire_date,
            ),
            actor=None,
            audit=False,
            today=p.hire_date,
        )
        report.add("people", int(result.created_person))
        if is_new and p.status != EmploymentStatus.ON_POST:
            employment_change_status(
                employment=result.employment,
                status=p.status,
                on=p.status_on or p.hire_date,
                reason=p.status_reason,
                actor=None,
            )


def _account(username: str, *, first_name: str, report: SeedReport, **flags) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
        report.add("accounts")
    changed = user.pk is None
    for k, v in {"first_name": first_name, "is_active": True, **flags}.items():
        if getattr(user, k) != v:
            setattr(user, k, v)
            changed = True
    # Hash only for these few accounts, and only when the demo password no longer matches.
    if not user.has_usable_password() or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        changed = True
    if changed:
        user.save()
    return user


def training_body_uscc() -> str:
    return TRAINING_BODY[1] + uscc_check_char(TRAINING_BODY[1])


def seed_training_body(regions: dict[str, Region], trainer: User) -> TrainingBody:
    body = TrainingBody.objects.filter(uscc=training_body_uscc()).first()
    if body is None:
        # A demo seeded before training bodies existed: the body its trainer's grant was
        # given by the upgrade (with the demo bank and sessions) becomes the centre.
        grant = RoleGrant.objects.filter(
            user=trainer, role=Role.TRAINER, training_body__uscc=""
        ).first()
        body = grant.training_body if grant is not None else TrainingBody()
    values = {
        "name": TRAINING_BODY[0],
        "uscc": training_body_uscc(),
        "region": regions[COUNTY[0]],
        "is_active": True,
    }
    if body.pk is None or any(getattr(body, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(body, k, v)
        body.full_clean()
        body.save()
    return body


def _grant(
    user: User, role: str, *, enterprise=None, region=None, industries=(), training_body=None
) -> None:
    grant, _ = RoleGrant.objects.get_or_create(
        user=user, role=role, enterprise=enterprise, region=region
    )
    if training_body is not None and grant.training_body_id != training_body.pk:
        grant.training_body = training_body
        grant.save(update_fields=["training_body"])
    wanted = set(industries)
    if {i.pk for i in grant.industries.all()} != {i.pk for i in wanted}:
        grant.industries.set(wanted)


def seed_accounts(
    regions: dict[str, Region], enterprises: dict[str, Enterprise], report: SeedReport
) -> None:
    names = {login.username: login.display_name for login in LOGINS}
    _account("admin", first_name=names["admin"], report=report, is_staff=True, is_superuser=True)
    admin = _account("ent_admin", first_name=names["ent_admin"], report=report)
    _grant(admin, Role.ENTERPRISE_ADMIN, enterprise=enterprises[ENTERPRISE_ADMIN_OF])
    mine = _account("coal_admin", first_name=names["coal_admin"], report=report)
    _grant(mine, Role.ENTERPRISE_ADMIN, enterprise=enterprises[MINE_ADMIN_OF])
    county = _account("county_reg", first_name=names["county_reg"], report=report)
    _grant(county, Role.REGULATOR, region=regions[COUNTY[0]])
    town = _account("town_reg", first_name=names["town_reg"], report=report)
    _grant(
        town,
        Role.REGULATOR,
        region=regions[TOWNSHIP_REGULATOR_REGION],
        industries=Industry.objects.filter(code__in=TOWNSHIP_REGULATOR_INDUSTRIES),
    )
    trainer = _account("trainer", first_name=names["trainer"], report=report)
    _grant(
        trainer,
        Role.TRAINER,
        region=regions[COUNTY[0]],
        training_body=seed_training_body(regions, trainer),
    )
    for trainee in FIXED_PEOPLE:
        person = Person.objects.get(id_number=trainee.id_number)
        user = _account(
            trainee.id_number,
            first_name=trainee.name,
            report=report,
            must_change_password=False,
        )
        if user.person_id != person.pk:
            user.person = person
            user.save(update_fields=["person"])


# The machinery plant has asked for one of the chemical works' operators: ent_admin finds a
# transfer request waiting (the navigation counts it) and may accept or refuse it.
TRANSFER_FROM: str = DATA["transfer"]["from"]
TRANSFER_TO: str = DATA["transfer"]["to"]


def seed_transfer_request(
    enterprises: dict[str, Enterprise], planned: list[PlannedPerson], report: SeedReport
) -> None:
    """One pending transfer request, made once: whatever became of it (accepted, refused)
    in a demo session, running the seed again does not ask again."""
    fixed = {p.id_number for p in FIXED_PEOPLE}
    candidate = next(
        p
        for p in planned
        if p.enterprise == TRANSFER_FROM
        and p.id_number not in fixed
        and p.category == PersonnelCategory.SPECIAL_OPERATOR
        and p.status == EmploymentStatus.ON_POST
        and p.before is None
    )
    person = Person.objects.get(id_number=candidate.id_number)
    target = enterprises[TRANSFER_TO]
    if TransferRequest.objects.filter(person=person, to_enterprise=target).exists():
        return
    current = Employment.objects.current().filter(person=person).first()
    if current is None or current.enterprise_id == target.pk:
        return
    TransferRequest.objects.create(
        person=person,
        from_employment=current,
        from_enterprise=current.enterprise,
        to_enterprise=target,
        name=person.name,
        department_name="机加工车间",
        post=candidate.post,
        category=candidate.category,
        employment_form=EmploymentForm.REGULAR,
        hire_date=None,  # from the day it is accepted
    )
    report.add("transfer requests")


# A few people of the enterprise admin's enterprise get first sign-in codes from seed_demo,
# so the first sign-in can be tried at once; ent_admin issues more on the roster page.
DEMO_ACTIVATION_PEOPLE: int = DATA["activation_people"]


def seed_activation_codes(report: SeedReport) -> None:
    """Codes for the first few people (by ID number) of ent_admin's enterprise who have no
    account, issued by ent_admin, unless they still hold an open one: a second run within
    the codes' validity changes nothing (and so prints none)."""
    admin = User.objects.get(username="ent_admin")
    enterprise = Enterprise.objects.get(uscc=uscc_of(ENTERPRISE_ADMIN_OF))
    people = list(
        activation_candidates(user=admin, enterprise=enterprise).order_by("id_number")[
            :DEMO_ACTIVATION_PEOPLE
        ]
    )
    now = timezone.now()
    holding = set(
        ActivationCode.objects.filter(
            person__in=people, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=now
        ).values_list("person_id", flat=True)
    )
    wanted = [person for person in people if person.pk not in holding]
    if wanted:
        report.activation_codes = activation_codes_issue(actor=admin, people=wanted, now=now)
        report.add("activation codes", len(wanted))


def activation_codes_table(issued: list) -> str:
    """The codes seed_demo just issued, for the console (fictional people)."""
    rows = [("姓名 name", "登录名 login (ID number)", "激活码 code", "有效期至 valid until")]
    for code in issued:
        expires = timezone.localtime(code.expires_at).strftime("%Y-%m-%d %H:%M")
        rows.append((code.person.name, code.person.id_number, code.code, expires))
    widths = [max(_width(r[i]) for r in rows) for i in range(3)]
    return "\n".join(
        "  ".join([*(_pad(row[i], widths[i]) for i in range(3)), row[3]]).rstrip() for row in rows
    )


def seed(report: SeedReport | None = None) -> SeedReport:
    """Create or update the whole demo roster; safe to run any number of times."""
    report = report or SeedReport()
    with transaction.atomic():
        planned = plan_people()
        regions = seed_regions(report)
        enterprises = seed_enterprises(regions, planned, report)
        seed_people(enterprises, planned, report)
        seed_accounts(regions, enterprises, report)
        seed_transfer_request(enterprises, planned, report)
        seed_activation_codes(report)
    return report


# --------------------------------------------------------------------------------------
# The logins table, printed by seed_demo and copied into the README
# --------------------------------------------------------------------------------------
def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def logins_table() -> str:
    header = ("角色 role", "登录名 login", "密码 password", "能看到 what they see")
    rows = [header] + [(x.role, x.username, DEMO_PASSWORD, x.sees) for x in LOGINS]
    widths = [max(_width(r[i]) for r in rows) for i in range(3)]
    lines = []
    for n, row in enumerate(rows):
        cells = [_pad(row[i], widths[i]) for i in range(3)] + [row[3]]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 20)
    return "\n".join(lines)
