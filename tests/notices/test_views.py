"""The notice and library pages for each role, by object id: a notice is read only by its
readers and its publishers' side; another's receipt is never acknowledged; out-of-scope
publishing gets a Chinese message beside the field and writes nothing."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import Site

from courses.models import WarningCaseIndexPage, WarningCasePage
from notices.models import KnowledgeItem, Notice, NoticeReceipt
from notices.selectors import unread_count
from roster.models import Industry
from tests.factories import UserFactory

from .conftest import pdf

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()  # Simplified Chinese, the default
    client.force_login(user)
    return client


@pytest.fixture
def other_trainee(world):
    return UserFactory(username=world.person_other.id_number, person=world.person_other)


def test_the_reader_sees_it_in_the_inbox_on_the_portal_and_in_the_count(world, regional_notice):
    client = client_for(world.trainee)
    home = client.get("/").content.decode()
    assert regional_notice.title in home
    assert 'class="tag warn nav-notices-unread">1<' in home
    assert regional_notice.title in client.get("/notices/").content.decode()
    page = client.get(f"/notices/{regional_notice.pk}/").content.decode()
    assert "我已阅读并确认" in page
    assert regional_notice.receipts.get(person=world.person_a).read_at is not None
    assert "nav-notices-unread" not in client.get("/").content.decode()


def test_the_unread_count_is_one_query(world, regional_notice, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert unread_count(user=world.trainee) == 1


def test_a_notice_outside_its_window_is_not_shown(world, regional_notice):
    Notice.objects.filter(pk=regional_notice.pk).update(
        publish_from=timezone.now() + dt.timedelta(days=1),
        publish_until=timezone.now() + dt.timedelta(days=40),
        ack_deadline=timezone.now() + dt.timedelta(days=5),
    )
    client = client_for(world.trainee)
    assert client.get(f"/notices/{regional_notice.pk}/").status_code == 404
    assert unread_count(user=world.trainee) == 0


@pytest.mark.parametrize("who", ["other_trainee", "regulator_township_chem", "no_role", "trainer"])
def test_people_outside_the_audience_get_404(world, regional_notice, other_trainee, who):
    user = other_trainee if who == "other_trainee" else getattr(world, who)
    client = client_for(user)
    for url in (
        f"/notices/{regional_notice.pk}/",
        f"/notices/{regional_notice.pk}/receipts/",
        f"/notices/{regional_notice.pk}/receipts.xlsx",
        f"/notices/{regional_notice.pk}/attachments/1/",
    ):
        assert client.get(url).status_code == 404, url


def test_acknowledging_with_someone_elses_receipt_is_refused(world, regional_notice):
    theirs = regional_notice.receipts.get(person=world.person_b)
    client = client_for(world.trainee)
    response = client.post(f"/notices/{regional_notice.pk}/acknowledge/", {"receipt": theirs.pk})
    assert response.status_code == 403
    assert "只能为自己确认" in response.content.decode()
    assert not NoticeReceipt.objects.filter(acknowledged_at__isnull=False).exists()


def test_the_reader_acknowledges_their_own(world, regional_notice):
    client = client_for(world.trainee)
    response = client.post(f"/notices/{regional_notice.pk}/acknowledge/")
    assert response.status_code == 302
    mine = regional_notice.receipts.get(person=world.person_a)
    assert mine.acknowledged_at is not None
    assert NoticeReceipt.objects.filter(acknowledged_at__isnull=False).count() == 1


def test_the_publisher_sees_who_has_not_acknowledged_and_exports_it(world, regional_notice):
    client = client_for(world.regulator_county)
    client_for(world.trainee).post(f"/notices/{regional_notice.pk}/acknowledge/")
    page = client.get(f"/notices/{regional_notice.pk}/receipts/?pending=ack").content.decode()
    assert world.person_b.name in page and "河口纺织厂" in page
    assert f'<td data-label="姓名">{world.person_a.name}</td>' not in page
    response = client.get(f"/notices/{regional_notice.pk}/receipts.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    names = {row[2] for row in rows[2:]}
    assert {world.person_a.name, world.person_b.name} <= names
    # Another county's regulator and the enterprise admin (a reader here) may not.
    assert (
        client_for(world.enterprise_admin)
        .get(f"/notices/{regional_notice.pk}/receipts/")
        .status_code
        == 404
    )


def test_publishing_to_another_county_by_id_is_refused_in_chinese(world):
    client = client_for(world.regulator_county)
    now = timezone.localtime()
    response = client.post(
        "/notices/new/",
        {
            "kind": "regional",
            "title": "越权通知",
            "body": "正文",
            "region": world.other_county.pk,
            "publish_from": now.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "不在您的管辖范围内" in html and "越权通知" in html
    assert not Notice.objects.exists()


def test_a_bad_attachment_is_refused_beside_the_field(world):
    client = client_for(world.enterprise_admin)
    now = timezone.localtime()
    bad = pdf("病毒.exe", b"MZ\x90\x00")
    response = client.post(
        "/notices/new/",
        {
            "kind": "enterprise",
            "title": "附件通知",
            "body": "正文",
            "enterprise": world.ent_a.pk,
            "publish_from": now.strftime("%Y-%m-%dT%H:%M"),
            "attachments": [bad],
        },
    )
    assert response.status_code == 400
    assert "不允许" in response.content.decode()
    assert not Notice.objects.exists()


def test_an_enterprise_admin_publishes_through_the_form(world):
    client = client_for(world.enterprise_admin)
    now = timezone.localtime()
    response = client.post(
        "/notices/new/",
        {
            "kind": "enterprise",
            "title": "班前会要求",
            "body": "全体员工参加班前会。",
            "enterprise": world.ent_a.pk,
            "publish_from": now.strftime("%Y-%m-%dT%H:%M"),
            "must_acknowledge": "on",
            "ack_deadline": (now + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "attachments": [pdf()],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = Notice.objects.get()
    assert notice.enterprise == world.ent_a and notice.attachments.count() == 1
    attachment = notice.attachments.get()
    download = client_for(world.trainee).get(f"/notices/{notice.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Wagtail's own document URL does not serve it to the reader.
    served = client_for(world.trainee).get(attachment.document.url)
    assert served.status_code in (302, 403, 404)


def test_a_trainee_may_not_open_the_publishing_form(world):
    assert client_for(world.trainee).get("/notices/new/").status_code == 403
    assert client_for(world.trainee).get("/notices/published/").status_code == 403


# --------------------------------------------------------------------------- library


@pytest.fixture
def library(world):
    county_law = KnowledgeItem.objects.create(
        kind="law",
        title="清河县安全生产条例",
        source="清河县人大常委会",
        doc_number="清人发〔2024〕3号",
        issued_on=dt.date(2024, 3, 1),
        body="<p>企业应当建立全员安全生产责任制。</p>",
        region=world.county,
        published_by=world.regulator_county,
    )
    other_policy = KnowledgeItem.objects.create(
        kind="policy",
        title="白石县危化品专项整治方案",
        source="白石县应急管理局",
        issued_on=dt.date(2024, 5, 1),
        body="<p>安全整治。</p>",
        region=world.other_county,
        published_by=world.system_admin,
    )
    own_rule = KnowledgeItem.objects.create(
        kind="policy",
        title="城关机械厂动火作业管理制度",
        source="城关机械厂",
        issued_on=dt.date(2024, 6, 1),
        body="<p>动火作业须办理作业票。</p>",
        enterprise=world.ent_a,
        published_by=world.enterprise_admin,
    )
    return county_law, other_policy, own_rule


def test_a_two_character_chinese_query_finds_the_item(world, library):
    county_law, _other_policy, own_rule = library
    page = client_for(world.trainee).get("/notices/library/", {"q": "责任"}).content.decode()
    assert county_law.title in page
    assert own_rule.title not in page  # no 责任 in it
    page = client_for(world.trainee).get("/notices/library/", {"q": "动火"}).content.decode()
    assert own_rule.title in page


def test_the_library_shows_each_reader_only_their_scope(world, library):
    county_law, other_policy, own_rule = library
    page = client_for(world.trainee).get("/notices/library/").content.decode()
    assert county_law.title in page and own_rule.title in page
    assert other_policy.title not in page
    person_b = UserFactory(username=world.person_b.id_number, person=world.person_b)
    page = client_for(person_b).get("/notices/library/").content.decode()
    assert county_law.title in page and own_rule.title not in page
    assert client_for(person_b).get(f"/notices/library/{own_rule.pk}/").status_code == 404
    regulator = client_for(world.regulator_county)
    assert regulator.get(f"/notices/library/{own_rule.pk}/").status_code == 200
    assert regulator.get(f"/notices/library/{other_policy.pk}/").status_code == 404


def test_the_library_lists_the_warning_cases_with_links(world, library):
    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=WarningCaseIndexPage(title="警示教育", slug="warning-cases"))
    index.add_child(
        instance=WarningCasePage(
            title="某污水井中毒事故",
            slug="poisoning",
            occurred_on=dt.date(2024, 6, 12),
            place="示范市工业园区",
            industry=Industry.objects.get(code="07"),
            summary="作业人员进入集水井清淤时中毒。",
            direct_cause="<p>未检测。</p>",
            root_cause="<p>无审批。</p>",
            lessons="<p>先通风再检测。</p>",
        )
    )
    page = client_for(world.trainee).get("/notices/library/", {"q": "中毒"}).content.decode()
    assert "某污水井中毒事故" in page and "/learn/warning-cases/poisoning/" in page


def test_the_library_form_refuses_another_region_in_chinese(world):
    client = client_for(world.regulator_county)
    response = client.post(
        "/notices/library/new/",
        {
            "kind": "law",
            "title": "越权法规",
            "source": "某局",
            "issued_on": "2024-01-01",
            "body": "正文",
            "region": world.other_county.pk,
        },
    )
    assert response.status_code == 400
    assert "不在您的管辖范围内" in response.content.decode()
    assert not KnowledgeItem.objects.exists()


# --------------------------------------------------------------------------- query budgets


def _more_notices(world, n=4):
    from notices.services import notice_publish

    from .conftest import regional_data

    for i in range(n):
        notice_publish(actor=world.regulator_county, data=regional_data(world, title=f"通知{i}"))


@pytest.mark.parametrize(
    ("who", "url", "budget"),
    [
        ("trainee", "/notices/", 25),
        # The home also shows the trainee's "what, by when" (certificates/services/duties.py):
        # a fixed set of reads of their own rules, hours and records, each read once per page
        # (certificates/services/person_reads.py), none per notice.
        ("trainee", "/", 25),
        ("regulator_county", "/notices/published/", 25),
        ("trainee", "/notices/library/?q=安全", 25),
    ],
)
def test_list_pages_do_not_grow_with_rows(world, who, url, budget, django_assert_max_num_queries):
    _more_notices(world)
    client = client_for(getattr(world, who))
    client.get(url)  # the session and caches warmed
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_the_receipt_list_does_not_grow_with_readers(
    world, regional_notice, django_assert_max_num_queries
):
    from notices.services import notice_publish
    from tests.factories import EmploymentFactory

    from .conftest import regional_data

    for _ in range(15):
        EmploymentFactory(enterprise=world.ent_a)
    notice = notice_publish(actor=world.regulator_county, data=regional_data(world))
    client = client_for(world.regulator_county)
    client.get(f"/notices/{notice.pk}/receipts/")
    with django_assert_max_num_queries(25):
        assert client.get(f"/notices/{notice.pk}/receipts/").status_code == 200
