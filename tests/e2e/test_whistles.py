"""README, "Resident whistles", walk-through on `make run`: the resident reports on a phone,
the community accepts and dispatches, the department signs for it and resolves it, the
resident rates it, the grid worker calls back the next day; and beat's reminders and
escalation, as the inboxes and the timeline show them."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from services import tasks as service_tasks
from services.whistles import dispatch, intake
from services.whistles.models import (
    CallBack,
    Category,
    Department,
    Rating,
    Status,
    Urgency,
    Whistle,
)
from tests.e2e.conftest import zh
from tests.e2e.world import red_star_street

pytestmark = pytest.mark.browser  # Chromium: skipped without it (tests/e2e/conftest.py)


MOBILE = "13912345678"


def png(name):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


@pytest.fixture
def world(transactional_db):
    world = red_star_street()
    # The migrations' categories are flushed by the live server's transactional tests.
    world.category, _ = Category.objects.get_or_create(
        name="乱停车、占道",
        defaults={
            "urgency": Urgency.GENERAL,
            "dispatch_within": timedelta(hours=24),
            "resolve_within": timedelta(days=7),
        },
    )
    for name in ("城市管理执法队", "市政设施维护中心"):
        department = Department.objects.create(street=world.street, name=name)
        department.handlers.add(world["dept_handler"])
    world.department = Department.objects.get(name="城市管理执法队")
    world.department.categories.add(world.category)
    return world


def test_resident_whistle_from_report_to_call_back(world, person):
    # 1. As a resident on a phone: choose a problem, 红旗社区, a building, describe it, a name
    # and a mobile, up to three photos; the page shows a tracking code.
    resident = person("resident", phone=True).goto(reverse("whistle-report"))
    page = resident.page
    resident.shot("report-form")
    resident.fits_a_phone()
    page.select_option("#id_category", label="乱停车、占道")
    page.select_option("#id_community", label="红旗社区")
    page.wait_for_selector("#id_building option:text-is('锦绣苑2号楼')", state="attached")
    page.select_option("#id_building", label="锦绣苑2号楼")
    page.fill("#id_description", "电动车和自行车堵在楼道口，轮椅推不出去。")
    page.fill("#id_reporter_name", "王海燕")
    page.fill("#id_reporter_mobile", MOBILE)
    page.set_input_files("#id_photos", [png("before-1.png"), png("before-2.png")])
    page.check("#id_contact_consent")
    resident.shot("report-filled")
    resident.press(zh("Send"))
    code = page.locator("p.code").inner_text().strip()
    whistle = Whistle.objects.get(tracking_code=code)
    assert (whistle.community, whistle.building) == (world.community, world.buildings[1])
    assert whistle.photos.count() == 2
    resident.shot("tracking-code")
    resident.fits_a_phone()

    # 2. As community_cadre: the header shows the new whistle (routing ran after the send);
    # open it from Whistles, accept it (转哨), dispatch it to the suggested department (派单).
    cadre = person("community_cadre").log_in(world["community_cadre"])
    header = cadre.page.locator("header.top")
    assert (
        header.get_by_role("link", name=zh("Notifications")).locator(".badge").inner_text() == "1"
    )
    cadre.click_link(zh("Whistles"), within="header.top")
    cadre.shot("whistle-list")
    cadre.page.locator(f"main a[href='{reverse('whistle-detail', args=[whistle.pk])}']").click()
    cadre.wait_for_path(reverse("whistle-detail", args=[whistle.pk]))
    assert "王海燕" in cadre.text()  # the triaging cadre sees the resident in full
    cadre.shot("whistle-submitted")
    cadre.press(zh("Accept (转哨)"))
    assert zh("Accept (转哨)") in cadre.message()
    cadre.shot("whistle-accepted")
    dispatch_form = cadre.page.locator(
        f"form[action='{reverse('whistle-step', args=[whistle.pk, 'dispatch'])}']"
    )
    # The suggested department is chosen already.
    assert dispatch_form.locator("#id_department option:checked").inner_text() == "城市管理执法队"
    cadre.open_step(dispatch_form)
    dispatch_form.get_by_label("市政设施维护中心").check()  # a co-handling department
    cadre.shot("dispatch-form")
    cadre.press(zh("Dispatch (派单)"))
    whistle.refresh_from_db()
    assert (whistle.status, whistle.lead_department) == (Status.DISPATCHED, world.department)
    cadre.shot("whistle-dispatched")

    # 3. As dept_handler: open My work, sign for it (接单), report it resolved with a note
    # and photos.
    handler = person("dept_handler").log_in(world["dept_handler"])
    handler.click_link(zh("My work"), within="header.top")
    handler.shot("my-work")
    handler.page.locator(f"main a[href='{reverse('whistle-detail', args=[whistle.pk])}']").click()
    handler.wait_for_path(reverse("whistle-detail", args=[whistle.pk]))
    handler.shot("whistle-dispatched")
    handler.press(zh("Sign for it (接单)"))
    assert zh("Sign for it (接单)") in handler.message()
    handler.shot("whistle-signed")
    resolve = handler.page.locator(
        f"form[action='{reverse('whistle-step', args=[whistle.pk, 'resolve'])}']"
    )
    resolve.locator("textarea[name=note]").fill("已清理楼道口车辆，张贴停放提示。")
    resolve.locator("input[type=file]").set_input_files([png("after.png")])
    handler.press(zh("Report it resolved"))
    whistle.refresh_from_db()
    assert whistle.status == Status.RESOLVED
    handler.shot("whistle-resolved")

    # 4. As the resident: Follow a report with the code and the last four digits; rate it.
    resident.goto(reverse("home"))
    resident.click_link(zh("Follow a report"), within="main")
    resident.wait_for_path(reverse("whistle-track"))
    resident.page.fill("#id_code", code)
    resident.page.fill("#id_last4", MOBILE[-4:])
    resident.shot("track-form")
    resident.press(zh("Show the progress"))
    assert "已清理楼道口车辆" in resident.text()  # the handler's public note
    assert "dept_handler" not in resident.text()  # no staff names
    resident.shot("status-resolved")
    resident.page.get_by_label(zh("Yes, it is fixed")).check()
    resident.page.get_by_label(zh(Rating.VERY_SATISFIED.label), exact=True).check()
    resident.page.fill("#id_comment", "处理很及时，谢谢！")
    resident.press(zh("Send my rating"))
    whistle.refresh_from_db()
    assert (whistle.status, whistle.rating) == (Status.CLOSED, Rating.VERY_SATISFIED)
    resident.shot("status-rated")
    resident.fits_a_phone()

    # 5. As grid_worker the next day: the call-back is on My work; record it on the whistle.
    callback = CallBack.objects.get(whistle=whistle)
    with time_machine.travel(timezone.now() + timedelta(days=1, hours=1)):
        worker = person("grid_worker", phone=True).log_in(world["grid_worker"])
        worker.goto(reverse("mobile-home"))
        callbacks = worker.page.locator("h2", has_text=zh("Call-backs due")).locator(
            "xpath=following-sibling::ul[1]"
        )
        assert code in callbacks.inner_text()
        worker.shot("my-work-call-back")
        worker.fits_a_phone()
        callbacks.locator(f"a[href='{reverse('whistle-detail', args=[whistle.pk])}']").click()
        worker.wait_for_path(reverse("whistle-detail", args=[whistle.pk]))
        worker.page.get_by_label(zh("Reached: satisfied")).check()
        record = reverse("callback-record", args=[callback.pk])
        worker.page.locator(f"form[action='{record}'] textarea").fill("居民表示满意。")
        worker.press(zh("Record the call"))
        assert zh("Call-back recorded.") in worker.message()
        worker.shot("call-back-recorded")
    callback.refresh_from_db()
    assert callback.done_by == world["grid_worker"]


def test_reminders_and_escalation_reach_the_inboxes(world, person):
    # 6. Whistles reported earlier: the beat scan sends the 50 % and 80 % reminders to the
    # community's cadres and escalates the overdue one to 红星街道.
    now = timezone.now()
    late = intake.submit_whistle(
        category=world.category,
        description="小区东门消防通道被私家车长期占用。",
        community=world.community,
        building=world.buildings[0],
        reporter_name="李建军",
        reporter_mobile="13700001111",
        contact_consent=True,
        reported_at=now - timedelta(hours=25),  # past its 24 h dispatch deadline
    )
    halfway = intake.submit_whistle(
        category=world.category,
        description="垃圾桶满了两天没人清运。",
        community=world.community,
        building=world.buildings[2],
        reporter_name="赵丽",
        reporter_mobile="13700002222",
        contact_consent=False,
        reported_at=now - timedelta(hours=13),  # past 50 % of 24 h
    )
    service_tasks.scan_whistles()  # what beat runs every minute

    cadre = person("community_cadre").log_in(world["community_cadre"])
    cadre.click_link(zh("Notifications"), within="header.top")
    inbox = cadre.text()
    assert halfway.tracking_code in inbox and late.tracking_code in inbox
    cadre.shot("inbox-reminders")

    street = person("street_cadre").log_in(world["street_cadre"])
    street.click_link(zh("Notifications"), within="header.top")
    assert late.tracking_code in street.text()
    assert halfway.tracking_code not in street.text()
    street.shot("inbox-escalated")
    street.page.locator("main ul.tiles a", has_text=late.tracking_code).first.click()
    street.wait_for_path(reverse("whistle-detail", args=[late.pk]))
    assert "红星街道" in street.page.locator("dl.facts").inner_text()  # escalated to
    street.shot("whistle-escalated")


def dispatched(world, description, mobile):
    """A whistle the community has dispatched to 城市管理执法队 (the earlier steps)."""
    cadre = world["community_cadre"]
    whistle = intake.submit_whistle(
        category=world.category,
        description=description,
        community=world.community,
        building=world.buildings[0],
        reporter_name="孙立",
        reporter_mobile=mobile,
        contact_consent=True,
    )
    whistle = dispatch.accept_whistle(whistle=whistle, actor=cadre)
    return dispatch.dispatch_whistle(whistle=whistle, actor=cadre, department=world.department)


def step_form(person, whistle, name):
    form = person.page.locator(f"form[action='{reverse('whistle-step', args=[whistle.pk, name])}']")
    person.open_step(form)
    return form


def test_handler_returns_or_asks_for_time_and_not_fixed_reopens(world, person):
    returned = dispatched(world, "楼下有人占道摆摊，影响通行。", "13600000001")
    extended = dispatched(world, "小区门口井盖松动，需要更换。", "13600000002")
    unfixed = dispatched(world, "电动车堵在楼道口，轮椅推不出去。", "13600000003")

    # 3. ... A handler may instead return it (退单, with a reason): they land on My work.
    handler = person("dept_handler").log_in(
        world["dept_handler"], then=reverse("whistle-detail", args=[returned.pk])
    )
    handler.wait_for_path(reverse("whistle-detail", args=[returned.pk]))
    form = step_form(handler, returned, "return")
    form.locator("textarea[name=reason]").fill("不属于本部门职责，应由市场监管所处理。")
    handler.shot("return-form")
    handler.press(zh("Return to the community (退单)"))
    assert handler.path == reverse("mobile-home")
    assert zh("Return to the community (退单)") in handler.message()
    returned.refresh_from_db()
    assert returned.status == Status.ACCEPTED and returned.lead_department is None
    handler.shot("returned")

    # ... or ask for more time (延期), which the community approves or refuses.
    handler.goto(reverse("whistle-detail", args=[extended.pk]))
    handler.press(zh("Sign for it (接单)"))
    until = timezone.localtime() + timedelta(days=12)
    form = step_form(handler, extended, "extend")
    form.locator("input[name=until]").fill(until.strftime("%Y-%m-%dT%H:%M"))
    form.locator("textarea[name=reason]").fill("需要等待配件到货。")
    handler.shot("extension-form")
    handler.press(zh("Ask for more time (延期)"))
    extended.refresh_from_db()
    assert extended.extension_until is not None
    handler.shot("extension-asked")

    cadre = person("community_cadre").log_in(
        world["community_cadre"], then=reverse("whistle-detail", args=[extended.pk])
    )
    cadre.wait_for_path(reverse("whistle-detail", args=[extended.pk]))
    form = step_form(cadre, extended, "decide-extension")
    form.get_by_label(zh("Approve"), exact=True).check()
    cadre.shot("extension-decision")
    cadre.press(zh("Decide the extension"))
    extended.refresh_from_db()
    assert extended.extension_until is None
    assert timezone.localtime(extended.resolve_due).date() == until.date()
    cadre.shot("extension-approved")

    # 4. "Not fixed" re-opens the whistle to its community.
    dispatch.resolve_whistle(
        whistle=dispatch.sign_whistle(whistle=unfixed, actor=world["dept_handler"]),
        actor=world["dept_handler"],
        note="已劝离。",
    )
    resident = person("resident", phone=True).goto(reverse("whistle-track"))
    resident.page.fill("#id_code", unfixed.tracking_code)
    resident.page.fill("#id_last4", "0003")
    resident.press(zh("Show the progress"))
    resident.page.get_by_label(zh("No, it is not fixed")).check()
    resident.page.get_by_label(zh(Rating.DISSATISFIED.label), exact=True).check()
    resident.page.fill("#id_comment", "车还是堵在楼道口。")
    resident.shot("not-fixed")
    resident.press(zh("Send my rating"))
    unfixed.refresh_from_db()
    assert (unfixed.status, unfixed.reopened_count) == (Status.ACCEPTED, 1)
    assert zh(Status.ACCEPTED.label) in resident.text()
    resident.shot("reopened")
    cadre.click_link(zh("Notifications"), within="header.top")
    assert unfixed.tracking_code in cadre.text("main ul.tiles")
    cadre.shot("told-reopened")


def test_an_unrated_resolution_closes_by_itself_after_seven_days(world, person):
    # 4. ... Without a rating it closes by itself after 7 days.
    whistle = dispatched(world, "路灯坏了，晚上很黑。", "13600000004")
    handler = world["dept_handler"]
    dispatch.resolve_whistle(
        whistle=dispatch.sign_whistle(whistle=whistle, actor=handler),
        actor=handler,
        note="已更换灯泡。",
    )
    with time_machine.travel(timezone.now() + timedelta(days=7, hours=1)):
        service_tasks.scan_whistles()
        resident = person("resident", phone=True).goto(reverse("whistle-track"))
        resident.page.fill("#id_code", whistle.tracking_code)
        resident.page.fill("#id_last4", "0004")
        resident.press(zh("Show the progress"))
        assert zh(Status.CLOSED.label) in resident.text("p.status")
        assert resident.page.get_by_role("button", name=zh("Send my rating")).count() == 0
        resident.shot("closed-unrated")
    whistle.refresh_from_db()
    assert whistle.status == Status.CLOSED and whistle.rating is None
