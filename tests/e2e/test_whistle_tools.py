"""README, "Resident whistles — how it works": duplicates (已有人反映, adding one's voice 附议,
or sending a new report that a cadre merges), the staff list's search, export and dispatch
of several at once, the work order (派单单), and the street on an escalated whistle: 督办
answered by the handler, then 改派 to another department; the 12345 contact rule and a
handler's transfer request granted by the community."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from services import tasks as service_tasks
from services.whistles import dispatch, intake
from services.whistles.models import Category, Department, Status, Urgency, Whistle
from tests.e2e.conftest import zh
from tests.e2e.world import red_star_street

pytestmark = pytest.mark.browser  # Chromium: skipped without it (tests/e2e/conftest.py)


@pytest.fixture
def world(transactional_db):
    world = red_star_street()
    world.category, _ = Category.objects.get_or_create(
        name="消防通道堵塞",
        defaults={
            "urgency": Urgency.GENERAL,
            "dispatch_within": timedelta(hours=24),
            "resolve_within": timedelta(days=7),
        },
    )
    world.departments = []
    for name in ("城市管理执法队", "市政设施维护中心"):
        department = Department.objects.create(street=world.street, name=name)
        department.handlers.add(world["dept_handler"])
        department.categories.add(world.category)
        world.departments.append(department)
    cadre = world["community_cadre"]

    def report(building, mobile, days_ago=0.0):
        return intake.submit_whistle(
            category=world.category,
            description="小区东门消防通道被私家车长期占用，消防车无法通行。",
            community=world.community,
            building=building,
            reporter_name="李建军",
            reporter_mobile=mobile,
            contact_consent=True,
            reported_at=timezone.now() - timedelta(days=days_ago),
        )

    world.open = dispatch.accept_whistle(
        whistle=report(world.buildings[0], "13700000001", 0.02), actor=cadre
    )
    world.other = dispatch.accept_whistle(
        whistle=report(world.buildings[2], "13700000002", 0.02), actor=cadre
    )
    late = dispatch.accept_whistle(
        whistle=report(world.buildings[1], "13700000003", 8), actor=cadre
    )
    world.late = dispatch.dispatch_whistle(
        whistle=late, actor=cadre, department=world.departments[0]
    )
    return world


def fill_report(resident, world, mobile):
    page = resident.page
    resident.goto(reverse("whistle-report"))
    page.select_option("#id_category", label="消防通道堵塞")
    page.select_option("#id_community", label="红旗社区")
    page.wait_for_selector("#id_building option:text-is('锦绣苑1号楼')", state="attached")
    page.select_option("#id_building", label="锦绣苑1号楼")
    page.fill("#id_description", "东门消防通道又被车堵住了。")
    page.fill("#id_reporter_name", "陈静")
    page.fill("#id_reporter_mobile", mobile)
    page.check("#id_contact_consent")
    resident.press(zh("Send"))


def test_duplicates_list_tools_and_the_street_on_an_escalated_whistle(world, person):
    # A neighbour reports the same problem in the same building: 已有人反映, add my voice.
    neighbour = person("neighbour", phone=True)
    fill_report(neighbour, world, "13900000011")
    assert "已有人反映" in neighbour.text("h1")
    assert "李建军" not in neighbour.text()  # nothing personal
    neighbour.shot("someone-has-reported")
    neighbour.fits_a_phone()
    neighbour.press(zh("Add my voice (附议)"))
    assert world.open.supporters.count() == 1
    neighbour.shot("voice-added")

    # Another sends theirs as a new report; the cadre merges it into the one that carries on.
    another = person("another", phone=True)
    fill_report(another, world, "13900000012")
    another.press(zh("Send as a new report"))
    code = another.page.locator("p.code").inner_text().strip()
    duplicate = Whistle.objects.get(tracking_code=code)
    another.shot("sent-as-new")

    cadre = person("community_cadre").log_in(world["community_cadre"])
    cadre.goto(reverse("whistle-list"))
    # One search box: a tracking code, or words of the address, building or description.
    cadre.page.fill("#id_q", code)
    cadre.press(zh("Filter"))
    rows = cadre.page.locator("main ul.tiles > li")
    assert rows.count() == 1 and code in rows.inner_text()
    cadre.shot("search-by-code")
    cadre.page.fill("#id_q", "锦绣苑3号楼")
    cadre.press(zh("Filter"))
    assert rows.count() == 1 and world.other.tracking_code in rows.inner_text()
    export = cadre.fetch(cadre.page.get_by_role("link", name=zh("Export what is listed (Excel)")))
    assert export.body().startswith(b"PK")
    cadre.shot("search-by-words")

    cadre.goto(reverse("whistle-detail", args=[duplicate.pk]))
    merge = cadre.page.locator(
        f"form[action='{reverse('whistle-step', args=[duplicate.pk, 'merge'])}']"
    )
    cadre.open_step(merge)
    merge.locator("input[name=into]").fill(world.open.tracking_code)
    cadre.shot("merge")
    cadre.press(zh("Merge into another report (duplicate)"))
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED
    assert world.open.supporters.count() == 2  # its reporter follows the survivor
    cadre.shot("merged")

    # Tick accepted whistles and dispatch them at once to one department.
    cadre.goto(reverse("whistle-list"))
    for whistle in (world.open, world.other):
        cadre.page.locator(f"input[name=whistles][value='{whistle.pk}']").check()
    cadre.page.select_option("#bulk-dispatch select[name=department]", label="城市管理执法队")
    cadre.shot("bulk-dispatch")
    cadre.press(zh("Dispatch the ticked whistles"), within="#bulk-dispatch")
    for whistle in (world.open, world.other):
        whistle.refresh_from_db()
        assert whistle.status == Status.DISPATCHED, whistle
    assert cadre.message()
    cadre.shot("dispatched-at-once")
    cadre.goto(reverse("whistle-detail", args=[world.open.pk]))
    order = cadre.fetch(
        cadre.page.get_by_role("link", name=zh("Print the work order (派单单, PDF)"))
    )
    assert order.body().startswith(b"%PDF")

    # The street on an escalated whistle: 督办 with a deadline, answered by the handler.
    service_tasks.scan_whistles()
    world.late.refresh_from_db()
    assert world.late.escalated_to == world.street
    street = person("street_cadre").log_in(
        world["street_cadre"], then=reverse("whistle-detail", args=[world.late.pk])
    )
    street.wait_for_path(reverse("whistle-detail", args=[world.late.pk]))
    supervise = street.page.locator(
        f"form[action='{reverse('whistle-step', args=[world.late.pk, 'supervise'])}']"
    )
    street.open_step(supervise)
    supervise.locator("textarea[name=comment]").fill("三日内清理通道并回复处理结果。")
    due = timezone.localtime() + timedelta(days=3)
    supervise.locator("input[name=due_at]").fill(due.strftime("%Y-%m-%dT%H:%M"))
    street.shot("supervise")
    street.press(zh("Supervise (督办)"))
    assert "三日内清理通道" in street.text()
    street.shot("supervised")

    handler = person("dept_handler").log_in(world["dept_handler"])
    handler.goto(reverse("mobile-home"))
    assert "督办" in handler.text("main")
    handler.shot("my-work-supervision")
    handler.goto(reverse("whistle-detail", args=[world.late.pk]))
    answer = handler.page.locator(
        f"form[action='{reverse('whistle-step', args=[world.late.pk, 'answer-supervision'])}']"
    )
    handler.open_step(answer)
    answer.locator("textarea[name=answer]").fill("已联系车主挪车，通道已畅通。")
    handler.press(zh("Answer the supervision order (督办)"))
    assert "已联系车主挪车" in handler.text()
    handler.shot("answered")

    # 改派: to another department of the street.
    street.goto(reverse("whistle-detail", args=[world.late.pk]))
    redispatch = street.page.locator(
        f"form[action='{reverse('whistle-step', args=[world.late.pk, 'redispatch'])}']"
    )
    street.open_step(redispatch)
    redispatch.locator("select[name=department]").select_option(label="市政设施维护中心")
    street.press(zh("Re-dispatch (改派)"))
    world.late.refresh_from_db()
    assert world.late.lead_department == world.departments[1]
    street.shot("redispatched")

    # The 12345 rule: the lead department's handler of a signed whistle reads the resident's
    # mobile in full (they agreed to be contacted); then asks the community to transfer it.
    handler.goto(reverse("whistle-detail", args=[world.open.pk]))
    assert "13700000001" not in handler.text()
    handler.press(zh("Sign for it (接单)"))
    assert "13700000001" in handler.text("dl.facts")
    assert "李建军" not in handler.text("dl.facts")  # the name stays masked
    handler.shot("signed-mobile-in-full")
    transfer = handler.page.locator(
        f"form[action='{reverse('whistle-step', args=[world.open.pk, 'ask-transfer'])}']"
    )
    handler.open_step(transfer)
    transfer.locator("select[name=department]").select_option(label="市政设施维护中心")
    transfer.locator("textarea[name=reason]").fill("井盖属于市政设施，应由维护中心处理。")
    handler.press(zh("Ask the community to transfer it"))
    handler.shot("transfer-asked")
    cadre.goto(reverse("whistle-detail", args=[world.open.pk]))
    decide = cadre.page.locator(
        f"form[action='{reverse('whistle-step', args=[world.open.pk, 'decide-transfer'])}']"
    )
    cadre.open_step(decide)
    decide.get_by_label(zh("Grant: re-dispatch there")).check()
    cadre.shot("transfer-decision")
    cadre.press(zh("Decide the transfer request"))
    world.open.refresh_from_db()
    assert world.open.lead_department == world.departments[1]
    cadre.shot("transferred")
