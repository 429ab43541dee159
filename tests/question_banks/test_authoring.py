"""The question workbench (/exams/banks/): banks by whom they serve, questions of every type
written and edited on the web, previews, versions, the list's filters and bulk actions, and
ownership on every URL and POST."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from question_banks.models import Attempt, AttemptItem, Category, Question, QuestionBank
from question_banks.services.banks import bank_save
from question_banks.services.practice import banks_for_person
from question_banks.services.questions import questions_move, questions_set_active
from roster.models import Department, TrainingBody
from tests.factories import UserFactory
from tests.question_banks.conftest import add_question

pytestmark = pytest.mark.django_db


def png(size=(8, 8), name="pic.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other(world):
    """The neighbouring county's training body, its trainer and bank."""
    from roster.choices import Role
    from roster.models import RoleGrant

    body = TrainingBody.objects.create(name="白石县培训中心", region=world.other_county)
    trainer = UserFactory(username="trainer_other")
    RoleGrant.objects.create(
        user=trainer, role=Role.TRAINER, region=world.other_county, training_body=body
    )
    bank = QuestionBank.objects.create(code="BS", name="白石县题库", training_body=body)
    add_question(bank, "single", correct=("B",))
    Category.objects.create(bank=bank, name="基础")
    return type("Other", (), {"body": body, "trainer": trainer, "bank": bank})


@pytest.fixture
def small_bank(world):
    bank = QuestionBank.objects.create(code="XB", name="小题库", training_body=world.trainer_body)
    for _ in range(3):
        add_question(bank, "single", correct=("B",))
    return bank


@pytest.fixture
def internal_bank(world):
    return QuestionBank.objects.create(code="NB", name="机械厂内部题库", enterprise=world.ent_a)


def single_post(**overrides) -> dict:
    data = {
        "qtype": "single",
        "stem": "电气设备着火时应首先？",
        "opt_A": "用水扑救",
        "opt_B": "切断电源",
        "opt_C": "打开窗户",
        "opt_B_correct": "on",
        "explanation": "先断电，防止触电。",
        "difficulty": "2",
        "shuffle_options": "on",
        "personnel_categories": ["special_operator"],
        "posts": "电工、焊工",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- banks


def test_trainer_creates_a_bank_that_serves_posts_and_categories(world):
    client = client_for(world.trainer)
    response = client.post(
        reverse("question_banks:bank_create"),
        {
            "code": "DQ",
            "name": "电气安全题库",
            "description": "",
            "personnel_categories": ["special_operator", "team_leader"],
            "posts_text": "电工、 焊工,电工",
        },
    )
    assert response.status_code == 302
    bank = QuestionBank.objects.get(code="DQ")
    assert bank.training_body == world.trainer_body and bank.owner == world.trainer
    assert bank.personnel_categories == ["special_operator", "team_leader"]
    assert bank.posts == ["电工", "焊工"]


@pytest.mark.parametrize("code", ["A/B", "..", ".DQ", "电气 安全", "-DQ", "DQ?"])
def test_a_bank_code_that_cannot_be_part_of_an_address_is_refused_beside_the_field(world, code):
    """A code with "/" was saved, then every page linking the bank failed to build its
    address (the trainer's bank list among them): it is refused, in Chinese, what was
    typed is kept, and no bank is written."""
    client = client_for(world.trainer)
    response = client.post(
        reverse("question_banks:bank_create"),
        {"code": code, "name": "电气安全题库", "description": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "字母" in " ".join(form.errors["code"])
    assert form["code"].value() == code and form["name"].value() == "电气安全题库"
    assert not QuestionBank.objects.filter(name="电气安全题库").exists()
    assert client.get(reverse("question_banks:banks")).status_code == 200


@pytest.mark.parametrize("code", ["DQ-2026", "电气题库", "X_1.2"])
def test_bank_codes_of_letters_digits_and_chinese_are_kept(world, code):
    bank = bank_save(actor=world.trainer, bank=QuestionBank(code=code, name="电气安全题库"))
    assert bank.pk and bank.code == code


def test_the_service_refuses_a_bank_code_with_a_slash_whoever_calls_it(world):
    # The Wagtail admin and any later caller go through bank_save, which checks the code.
    with pytest.raises(ValidationError) as refused:
        bank_save(actor=world.trainer, bank=QuestionBank(code="A/B", name="题库"))
    assert "code" in refused.value.error_dict
    assert not QuestionBank.objects.filter(code="A/B").exists()


def test_the_import_command_refuses_to_create_a_bank_with_a_slash(tmp_path, db):
    from django.core.management import CommandError, call_command

    source = tmp_path / "q.txt"
    source.write_text("接地线的作用是？\nA. 防触电\nB. 装饰\nANSWER: A\n", encoding="utf-8")
    with pytest.raises(CommandError, match="web address"):
        call_command("import_questions", str(source), "--bank", "A/B", "--create-bank", "题库")
    assert not QuestionBank.objects.filter(code="A/B").exists()


def test_a_trainer_opens_their_bodys_bank_to_enterprises_on_the_form(world):
    client = client_for(world.trainer)
    assert (
        "open_to_enterprises"
        in client.get(reverse("question_banks:bank_create")).context["form"].fields
    )

    response = client.post(
        reverse("question_banks:bank_create"),
        {"code": "GX", "name": "共享题库", "open_to_enterprises": "on"},
    )

    assert response.status_code == 302
    assert QuestionBank.objects.get(code="GX").open_to_enterprises is True


def test_an_enterprise_bank_is_never_opened_to_other_enterprises(world, internal_bank):
    form = (
        client_for(world.enterprise_admin)
        .get(reverse("question_banks:bank_create"))
        .context["form"]
    )
    assert "open_to_enterprises" not in form.fields

    internal_bank.open_to_enterprises = True
    with pytest.raises(ValidationError) as refused:
        bank_save(actor=world.enterprise_admin, bank=internal_bank)
    assert "open_to_enterprises" in refused.value.error_dict
    internal_bank.refresh_from_db()
    assert internal_bank.open_to_enterprises is False


def test_bank_form_says_a_taken_code_beside_the_field_and_keeps_the_input(world, small_bank):
    response = client_for(world.trainer).post(
        reverse("question_banks:bank_create"), {"code": "XB", "name": "重名题库"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert "重名题库" in response.content.decode()
    assert QuestionBank.objects.count() == 1


def test_enterprise_bank_serves_its_own_departments_only(world, internal_bank):
    mine = Department.objects.create(enterprise=world.ent_a, name="维修车间")
    theirs = Department.objects.create(enterprise=world.ent_b, name="织造车间")
    bank_save(actor=world.enterprise_admin, bank=internal_bank, departments=[mine])
    assert list(internal_bank.departments.all()) == [mine]
    with pytest.raises(ValidationError):
        bank_save(actor=world.enterprise_admin, bank=internal_bank, departments=[theirs])
    assert list(internal_bank.departments.all()) == [mine]
    response = client_for(world.enterprise_admin).post(
        reverse("question_banks:bank_edit", args=["NB"]),
        {"name": "机械厂内部题库", "departments": [theirs.pk]},
    )
    assert response.status_code == 200 and response.context["form"].errors["departments"]


def test_practice_offers_the_banks_of_the_persons_own_post_first(world):
    employment = world.person_b.employments.get()
    employment.post = "电工"
    employment.save()
    by_category = QuestionBank.objects.create(
        code="A1", name="通用", personnel_categories=[employment.category]
    )
    by_post = QuestionBank.objects.create(code="Z9", name="电工题库", posts=["电工"])
    QuestionBank.objects.create(code="M5", name="焊工题库", posts=["焊工"])
    assert list(banks_for_person(world.person_b)) == [by_post, by_category]


def test_old_tags_become_categories_and_posts():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("question_banks.migrations.0008_bank_audience")
    bank = QuestionBank.objects.create(code="OLD", name="旧题库")
    QuestionBank.tags = ["special_operator", "主要负责人", "低压电工"]  # what 0004 stored
    try:
        original = QuestionBank.save

        def keep(self, *args, **kwargs):
            kwargs.pop("update_fields", None)
            return original(self, *args, **kwargs)

        QuestionBank.save = keep
        migration.tags_to_audience(apps, None)
    finally:
        QuestionBank.save = original
        del QuestionBank.tags
    bank.refresh_from_db()
    assert bank.personnel_categories == ["special_operator", "principal"]
    assert bank.posts == ["低压电工"]


# ---------------------------------------------------------------- writing questions


def test_trainer_writes_a_single_choice_question_with_images(world, small_bank, settings):
    client = client_for(world.trainer)
    response = client.post(
        reverse("question_banks:question_create", args=["XB"]),
        single_post(stem_image=png(), opt_C_image=png((9, 9))),
    )
    assert response.status_code == 302, response.context["form"].errors
    question = Question.objects.latest("pk")
    version = question.current_version
    assert question.qtype == "single" and version.number == 1
    assert version.answer_key == "B"
    assert version.stem.startswith(
        '<p>电气设备着火时应首先？</p><img src="/media/question_media/XB/'
    )
    assert "<img" in version.options[2]["text"]
    assert question.tags == ["special_operator", "电工", "焊工"]
    preview = client.get(reverse("question_banks:question_preview", args=["XB", question.pk]))
    html = preview.content.decode()
    assert 'class="card question"' in html and "/media/question_media/XB/" in html
    assert "切断电源" in html


def test_judge_multiple_and_case_questions_are_written(world, small_bank):
    client = client_for(world.trainer)
    url = reverse("question_banks:question_create", args=["XB"])
    judge = client.post(
        url,
        {"qtype": "judge", "stem": "绝缘手套应定期试验。", "judge_answer": "A", "difficulty": "1"},
    )
    assert judge.status_code == 302
    multiple = client.post(
        url,
        single_post(qtype="multiple", opt_A_correct="on", opt_B_correct="on"),
    )
    assert multiple.status_code == 302
    case = client.post(
        url,
        {
            "qtype": "case",
            "stem": "某厂电工未停电检修……",
            "difficulty": "3",
            "sub0_qtype": "single",
            "sub0_stem": "主要原因是？",
            "sub0_A": "未停电",
            "sub0_B": "天气",
            "sub0_A_correct": "on",
            "sub1_qtype": "judge",
            "sub1_stem": "应先验电。",
            "sub1_A_correct": "on",
        },
    )
    assert case.status_code == 302, case.context["form"].group_errors
    judge_q, multiple_q, case_q = Question.objects.order_by("-pk")[:3][::-1]
    assert judge_q.current_version.options == [
        {"key": "A", "text": "正确", "correct": True},
        {"key": "B", "text": "错误", "correct": False},
    ]
    assert multiple_q.current_version.answer_key == "AB"
    subs = case_q.current_version.sub_questions
    assert [s["qtype"] for s in subs] == ["single", "judge"]
    assert [o["key"] for o in subs[1]["options"] if o["correct"]] == ["A"]
    preview = client.get(reverse("question_banks:question_preview", args=["XB", case_q.pk]))
    assert "主要原因是？" in preview.content.decode()


@pytest.mark.parametrize(
    ("changes", "where", "words"),
    [
        ({"opt_B_correct": ""}, "options", "请勾选正确答案"),
        ({"opt_A_correct": "on"}, "options", "单选题只有一个正确答案"),
        ({"opt_B": "", "opt_C": "", "opt_B_correct": ""}, "options", "请至少填写两个选项"),
        ({"stem": ""}, "stem", "请填写题干"),
        ({"qtype": "multiple"}, "options", "多选题至少要有两个正确答案"),
    ],
)
def test_bad_question_is_refused_beside_the_field_and_keeps_the_input(
    world, small_bank, changes, where, words
):
    before = Question.objects.count()
    response = client_for(world.trainer).post(
        reverse("question_banks:question_create", args=["XB"]), single_post(**changes)
    )
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.group_errors.get(where) or form.errors.get(where)
    assert errors and words in " ".join(errors)
    assert Question.objects.count() == before
    assert "先断电，防止触电。" in response.content.decode()  # what was typed is still there


def test_a_file_that_is_not_an_image_or_too_large_is_refused(world, small_bank, settings, tmp_path):
    client = client_for(world.trainer)
    url = reverse("question_banks:question_create", args=["XB"])
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client.post(url, single_post(stem_image=fake))
    assert "不是图片" in " ".join(response.context["form"].errors["stem_image"])
    settings.QUESTION_IMAGE_MAX_BYTES = 10
    response = client.post(url, single_post(opt_A_image=png()))
    assert "图片过大" in " ".join(response.context["form"].errors["opt_A_image"])
    assert small_bank.questions.count() == 3
    media = tmp_path / "question_media"
    assert not media.exists() or not any(media.rglob("*.png"))


def test_editing_makes_a_new_version_and_drawn_papers_keep_theirs(world, small_bank):
    question = small_bank.questions.order_by("pk").first()
    first = question.current_version
    from question_banks.models import PaperRule

    rule = PaperRule.objects.create(code="XB-R", name="规则", bank=small_bank)
    attempt = Attempt.objects.create(person=world.person_a, rule=rule, seed=1)
    AttemptItem.objects.create(
        attempt=attempt, position=1, version=first, points=1, option_order=["A", "B", "C", "D"]
    )
    client = client_for(world.trainer)
    url = reverse("question_banks:question_edit", args=["XB", question.pk])
    form = client.get(url).context["form"]
    unchanged = {k: v for k, v in form.initial.items() if v not in (None, False, [])}
    unchanged["opt_B_correct"] = "on"
    unchanged.pop("qtype")
    assert client.post(url, unchanged).status_code == 302
    question.refresh_from_db()
    assert question.current_version_id == first.pk  # nothing changed: no new version
    changed = {**unchanged, "stem": "改过的题干"}
    assert client.post(url, changed).status_code == 302
    question.refresh_from_db()
    assert question.current_version.number == 2
    assert AttemptItem.objects.get(attempt=attempt).version_id == first.pk
    history = client.get(reverse("question_banks:question_history", args=["XB", question.pk]))
    assert "v1" in history.content.decode() and "v2" in history.content.decode()


# ---------------------------------------------------------------- the list and bulk actions


def test_list_searches_and_filters(world, small_bank):
    add_question(small_bank, "judge", difficulty=3, stem="接地线的作用")
    client = client_for(world.trainer)
    url = reverse("question_banks:bank", args=["XB"])
    assert client.get(url).context["page"].paginator.count == 4
    assert client.get(url, {"q": "接地线"}).context["page"].paginator.count == 1
    assert client.get(url, {"type": "judge"}).context["page"].paginator.count == 1
    assert client.get(url, {"difficulty": "3"}).context["page"].paginator.count == 1
    assert client.get(url, {"stat": "no_data"}).context["page"].paginator.count == 4
    assert client.get(url, {"stat": "flagged"}).context["page"].paginator.count == 0


def test_bulk_disable_and_move(world, small_bank):
    target = Category.objects.create(bank=small_bank, name="电气")
    ids = list(small_bank.questions.values_list("pk", flat=True))
    client = client_for(world.trainer)
    bulk = reverse("question_banks:bank_bulk", args=["XB"])
    client.post(bulk, {"action": "disable", "questions": ids[:2]})
    assert small_bank.questions.filter(is_active=False).count() == 2
    client.post(bulk, {"action": "move", "questions": ids, "target": f"XB:{target.pk}"})
    assert small_bank.questions.filter(category=target).count() == 3


def test_bulk_actions_refuse_foreign_ids_and_write_nothing(world, small_bank, other):
    mine = list(small_bank.questions.values_list("pk", flat=True))
    foreign = other.bank.questions.first().pk
    with pytest.raises(PermissionDenied):
        questions_set_active(actor=world.trainer, question_ids=[*mine, foreign], active=False)
    assert not Question.objects.filter(is_active=False).exists()
    with pytest.raises(PermissionDenied):
        questions_move(actor=world.trainer, question_ids=mine, bank=other.bank, category=None)
    with pytest.raises(PermissionDenied):
        questions_move(actor=world.trainer, question_ids=[foreign], bank=small_bank, category=None)
    response = client_for(world.trainer).post(
        reverse("question_banks:bank_bulk", args=["XB"]),
        {"action": "disable", "questions": [foreign]},
    )
    assert response.status_code == 403
    assert Question.objects.get(pk=foreign).is_active


def test_move_to_another_own_bank(world, small_bank):
    second = QuestionBank.objects.create(
        code="XB2", name="第二题库", training_body=world.trainer_body
    )
    ids = list(small_bank.questions.values_list("pk", flat=True))[:1]
    response = client_for(world.trainer).post(
        reverse("question_banks:bank_bulk", args=["XB"]),
        {"action": "move", "questions": ids, "target": "XB2"},
    )
    assert response.status_code == 302
    assert list(second.questions.values_list("pk", flat=True)) == ids


# ---------------------------------------------------------------- ownership on every URL


def _urls(bank, question, category):
    code = bank.code
    return [
        reverse("question_banks:bank", args=[code]),
        reverse("question_banks:bank_edit", args=[code]),
        reverse("question_banks:bank_categories", args=[code]),
        reverse("question_banks:question_create", args=[code]),
        reverse("question_banks:question_edit", args=[code, question.pk]),
        reverse("question_banks:question_preview", args=[code, question.pk]),
        reverse("question_banks:question_history", args=[code, question.pk]),
    ], [
        reverse("question_banks:bank_bulk", args=[code]),
        reverse("question_banks:category_delete", args=[code, category.pk]),
    ]


def test_another_bodys_trainer_gets_404_on_every_url_and_post(world, other):
    question = other.bank.questions.first()
    pages, posts = _urls(other.bank, question, other.bank.categories.first())
    client = client_for(world.trainer)
    for url in pages:
        assert client.get(url).status_code == 404, url
        assert client.post(url, single_post(name="x", code="BS")).status_code == 404, url
    for url in posts:
        assert (
            client.post(url, {"action": "disable", "questions": [question.pk]}).status_code == 404
        )
    assert Question.objects.get(pk=question.pk).is_active
    assert other.bank.categories.exists()
    assert other.bank.questions.count() == 1


def test_enterprise_admin_and_trainer_cannot_touch_each_others_banks(
    world, small_bank, internal_bank
):
    add_question(internal_bank, "judge")
    for user, bank in ((world.enterprise_admin, small_bank), (world.trainer, internal_bank)):
        question = bank.questions.first()
        pages, posts = _urls(bank, question, Category.objects.create(bank=bank, name="甲"))
        client = client_for(user)
        for url in pages + posts:
            assert client.post(url, single_post()).status_code == 404, url
    assert [
        b.code
        for b in client_for(world.enterprise_admin)
        .get(reverse("question_banks:banks"))
        .context["banks"]
    ] == ["NB"]


def test_enterprise_admin_writes_into_their_internal_bank(world, internal_bank):
    response = client_for(world.enterprise_admin).post(
        reverse("question_banks:question_create", args=["NB"]), single_post()
    )
    assert response.status_code == 302
    assert internal_bank.questions.count() == 1


def test_people_without_a_bank_role_are_refused(world):
    for user in (world.no_role, world.regulator_county, world.trainee):
        assert client_for(user).get(reverse("question_banks:banks")).status_code == 403


def test_bank_list_query_count_is_bounded(world, small_bank, django_assert_max_num_queries):
    client = client_for(world.trainer)
    for i in range(10):
        add_question(small_bank, "single", stem=f"题{i}")
    with django_assert_max_num_queries(20):
        client.get(reverse("question_banks:bank", args=["XB"]))


def test_category_tree_add_and_refuse_a_twin(world, small_bank):
    client = client_for(world.trainer)
    url = reverse("question_banks:bank_categories", args=["XB"])
    client.post(url, {"name": "电气"})
    parent = small_bank.categories.get(name="电气")
    client.post(url, {"name": "低压", "parent": parent.pk})
    assert small_bank.categories.get(name="低压").parent == parent
    response = client.post(url, {"name": "电气"})
    assert response.status_code == 200 and response.context["form"].errors["name"]


# ---------------------------------------------------------------- the Wagtail admin


def test_admin_question_add_and_edit_lead_to_the_workbench(world, small_bank, other):
    from roster.services.roles import role_grant_sync_groups

    role_grant_sync_groups(user=world.trainer)  # what the role-grant admin does
    client = client_for(world.trainer)
    base = "/admin/snippets/question_banks/question/"
    response = client.get(base + "add/")
    assert response.status_code == 302 and response.url == reverse("question_banks:banks")
    question = small_bank.questions.first()
    response = client.get(f"{base}edit/{question.pk}/")
    assert response.status_code == 302
    assert response.url == reverse("question_banks:question_edit", args=["XB", question.pk])
    foreign = other.bank.questions.first()
    assert client.get(f"{base}edit/{foreign.pk}/").status_code in (403, 404)
    for screen in ("questionbank/", "category/", "question/", "questionbank/add/"):
        assert client.get(f"/admin/snippets/question_banks/{screen}").status_code == 200, screen


def test_an_edit_keeps_the_images_left_ticked_and_drops_the_unticked(world, small_bank):
    client = client_for(world.trainer)
    client.post(
        reverse("question_banks:question_create", args=["XB"]), single_post(stem_image=png())
    )
    question = Question.objects.latest("pk")
    url = reverse("question_banks:question_edit", args=["XB", question.pk])
    page = client.get(url)
    initial = page.context["form"].initial
    assert len(initial["stem_keep"]) == 1
    assert 'type="checkbox" name="stem_keep"' in page.content.decode()
    post = single_post(stem="改过的题干", stem_keep=initial["stem_keep"])
    post.pop("qtype")
    client.post(url, post)
    question.refresh_from_db()
    assert question.current_version.number == 2 and "<img" in question.current_version.stem
    post.pop("stem_keep")
    client.post(url, post)
    question.refresh_from_db()
    assert question.current_version.number == 3 and "<img" not in question.current_version.stem


def test_practice_page_marks_the_banks_of_the_persons_post(world):
    employment = world.person_a.employments.get()
    employment.post = "电工"
    employment.save()
    QuestionBank.objects.create(code="Z9", name="电工题库", posts=["电工"])
    QuestionBank.objects.create(
        code="A1", name="通用题库", personnel_categories=[employment.category]
    )
    html = client_for(world.trainee).get(reverse("question_banks:practice")).content.decode()
    assert html.index("电工题库") < html.index("通用题库")
    assert html.count("本岗位") == 1


def case_post(**overrides) -> dict:
    data = {
        "qtype": "case",
        "stem": "某厂电工未停电检修配电柜……",
        "difficulty": "3",
        "sub0_qtype": "single",
        "sub0_stem": "图中哪个标志应挂在开关上？",
        "sub0_A": "禁止合闸",
        "sub0_B": "",
        "sub0_A_correct": "on",
        "sub1_qtype": "judge",
        "sub1_stem": "应先验电。",
        "sub1_A_correct": "on",
    }
    data.update(overrides)
    return data


def test_case_question_takes_images_in_its_stem_parts_and_part_options(world, small_bank):
    """The case's text, a part's text and a part's option each carry an image; an option
    shown only as a picture counts as written; preview and exam page show every image."""
    from question_banks.presentation import exam_text

    client = client_for(world.trainer)
    response = client.post(
        reverse("question_banks:question_create", args=["XB"]),
        case_post(
            stem_image=png(),
            sub0_image=png((9, 9), "part.png"),
            sub0_B_image=png((10, 10), "sign.png"),
        ),
    )
    assert response.status_code == 302, response.context["form"].group_errors
    question = Question.objects.latest("pk")
    version = question.current_version
    assert "<img" in version.stem
    part = version.sub_questions[0]
    assert part["stem"].startswith('<p>图中哪个标志应挂在开关上？</p><img src="/media/')
    assert [o["key"] for o in part["options"]] == ["A", "B"]
    assert part["options"][1]["text"].startswith('<img src="/media/question_media/XB/')
    images = {version.stem.split('"')[1], part["stem"].split('"')[1]}
    images.add(part["options"][1]["text"].split('"')[1])
    assert len(images) == 3  # three different pictures, three files

    preview = client.get(reverse("question_banks:question_preview", args=["XB", question.pk]))
    html = preview.content.decode()
    assert all(src in html for src in images)
    shown = exam_text(question.qtype, version.stem, version.options, version.sub_questions)
    assert shown.parts[0].stem.count("<img") == 1
    assert "<img" in shown.parts[0].options["B"][1]


def test_case_part_images_are_kept_or_dropped_on_edit_and_make_a_new_version(world, small_bank):
    client = client_for(world.trainer)
    created = client.post(
        reverse("question_banks:question_create", args=["XB"]),
        case_post(sub0_B="挂牌上锁", sub0_image=png(), sub0_A_image=png((9, 9), "a.png")),
    )
    assert created.status_code == 302
    question = Question.objects.latest("pk")
    url = reverse("question_banks:question_edit", args=["XB", question.pk])
    page = client.get(url)
    initial = page.context["form"].initial
    assert len(initial["sub0_keep"]) == 1 and len(initial["sub0_A_keep"]) == 1
    assert 'name="sub0_keep"' in page.content.decode()
    post = case_post(
        sub0_B="挂牌上锁", sub0_keep=initial["sub0_keep"], sub0_A_keep=initial["sub0_A_keep"]
    )
    post.pop("qtype")
    client.post(url, post)
    question.refresh_from_db()
    assert question.current_version.number == 1  # the same texts and images: no new version
    post.pop("sub0_keep")
    client.post(url, post)
    question.refresh_from_db()
    version = question.current_version
    assert version.number == 2
    assert "<img" not in version.sub_questions[0]["stem"]
    assert "<img" in version.sub_questions[0]["options"][0]["text"]


def test_a_bad_image_in_a_case_part_is_refused_beside_it(world, small_bank):
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client_for(world.trainer).post(
        reverse("question_banks:question_create", args=["XB"]), case_post(sub1_A_image=fake)
    )
    assert response.status_code == 200
    assert "不是图片" in " ".join(response.context["form"].errors["sub1_A_image"])
    assert small_bank.questions.count() == 3
    assert "某厂电工未停电检修配电柜" in response.content.decode()
