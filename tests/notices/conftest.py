import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from notices.models import Notice
from notices.services import NoticeData, notice_publish
from roster.models import Industry

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="通知.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def regional_data(world, **overrides) -> NoticeData:
    now = timezone.now()
    values = dict(
        kind=Notice.Kind.REGIONAL,
        title="关于开展安全生产大检查的通知",
        body="各企业：\n请于月底前完成自查。",
        publish_from=now - dt.timedelta(minutes=5),
        publish_until=now + dt.timedelta(days=30),
        must_acknowledge=True,
        ack_deadline=now + dt.timedelta(days=7),
        region=world.county,
        industries=[Industry.objects.get(code="07")],
        include_staff=True,
    )
    values.update(overrides)
    return NoticeData(**values)


def enterprise_data(world, **overrides) -> NoticeData:
    now = timezone.now()
    values = dict(
        kind=Notice.Kind.ENTERPRISE,
        title="车间停电检修通知",
        body="<p>本周六检修，<b>注意安全</b>。</p><script>alert(1)</script>",
        publish_from=now - dt.timedelta(minutes=5),
        must_acknowledge=True,
        ack_deadline=now + dt.timedelta(days=2),
        enterprise=world.ent_a,
    )
    values.update(overrides)
    return NoticeData(**values)


@pytest.fixture
def regional_notice(world):
    return notice_publish(actor=world.regulator_county, data=regional_data(world))
