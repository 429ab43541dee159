"""The lesson editor in a real browser: picking a kind shows only that kind's fields."""

import pytest

from tests.courses.test_pages import content  # noqa: F401  (the fixture)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOWN = """() => Object.fromEntries([...document.querySelectorAll('[data-w-rules-target=show]')]
  .map(s => [JSON.parse(s.dataset.wRules).kind.join('+'), s.offsetHeight > 0]))"""


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_each_lesson_kind_shows_only_its_own_fields(request, size, world, content):  # noqa: F811
    session = request.getfixturevalue(size)
    session.login(world.system_admin.username, "pw-123456")
    session.go(f"/admin/pages/add/courses/lessonpage/{content['general'].pk}/")
    page = session.page
    page.select_option("#id_kind", "video")
    page.wait_for_timeout(300)
    assert page.evaluate(SHOWN) == {"video": True, "document": False, "document+text": False}
    page.select_option("#id_kind", "text")
    page.wait_for_timeout(300)
    assert page.evaluate(SHOWN) == {"video": False, "document": False, "document+text": True}
    session.shot(f"lesson-editor-text-{size}")
    page.select_option("#id_kind", "document")
    page.wait_for_timeout(300)
    assert page.evaluate(SHOWN) == {"video": False, "document": True, "document+text": True}
