"""README, "Care ledger, visits and the grid worker's phone pages": on a phone `grid_worker`
opens My work (the grid's whistles overdue first, care visits due, call-backs), finds a
household by pinyin initials or by building and room, reads its card (residents with tags,
care records, visit history) and records a visit that raises a whistle to the community in
the same step. The community cadre prints the care record's contact card."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from governance.masking import mask_name
from grids.models import CareRecord, Household, Resident, ResidentTag, Visit
from services.whistles import dispatch, intake
from services.whistles.models import Category, Status, Urgency
from tests.e2e.conftest import zh
from tests.e2e.world import red_star_street
from tests.factories import NodeFactory

pytestmark = pytest.mark.browser  # Chromium: skipped without it (tests/e2e/conftest.py)


@pytest.fixture
def world(transactional_db):
    world = red_star_street()
    world.category, _ = Category.objects.get_or_create(
        name="设施阻碍通行",
        defaults={
            "urgency": Urgency.GENERAL,
            "dispatch_within": timedelta(hours=24),
            "resolve_within": timedelta(days=7),
        },
    )
    # As in the demo grid: 张建国 at 锦绣苑2号楼 1-101; 1-101 of 锦绣苑1号楼 and of 锦绣苑12号楼
    # too, so a building and room must find the one flat (2号楼 is never 12号楼).
    twelve = NodeFactory(
        parent=world.grid, name="锦绣苑12号楼党小组", place_name="锦绣苑12号楼", code="HX-01-01-12"
    )
    world.household = Household.objects.create(
        building=world.buildings[1], unit="1", room="101", size=2
    )
    world.other_households = [
        Household.objects.create(building=building, unit="1", room="101", size=1)
        for building in (world.buildings[0], twelve)
    ]
    alone, _ = ResidentTag.objects.get_or_create(name="独居老人", defaults={"vulnerable": True})
    world.resident = Resident.objects.create(
        household=world.household, name="张建国", mobile="13912340001", birth_year=1948
    )
    world.resident.tags.add(alone)
    Resident.objects.create(household=world.household, name="李秀英", birth_year=1950)
    for household, name in zip(world.other_households, ["王志强", "赵敏"], strict=True):
        Resident.objects.create(household=household, name=name, birth_year=1980)
    world.care = CareRecord.objects.create(
        resident=world.resident,
        needs="行动不便，需要定期探访",
        plan="每周上门一次，帮助代购药品",
        helper=world["grid_worker"],
        visit_every_days=7,
        next_visit_due=timezone.now() - timedelta(days=2),
    )
    cadre, grid = world["community_cadre"], world.grid

    def to_the_grid(days_ago, building):
        whistle = intake.submit_whistle(
            category=world.category,
            description="人行道中间有一根废弃电线杆挡路。",
            community=world.community,
            building=building,
            reporter_name="赵丽",
            reporter_mobile="13700002222",
            contact_consent=True,
            reported_at=timezone.now() - timedelta(days=days_ago),
        )
        whistle = dispatch.accept_whistle(whistle=whistle, actor=cadre)
        return dispatch.dispatch_whistle(whistle=whistle, actor=cadre, grid=grid)

    world.fresh = to_the_grid(0.1, world.buildings[2])
    world.overdue = to_the_grid(8, world.buildings[0])  # past its 7 days
    return world


def test_grid_worker_round_on_a_phone(world, person):
    worker = person("grid_worker", phone=True).log_in(world["grid_worker"])
    worker.click_link(zh("My work"), within="header.top")
    worker.wait_for_path(reverse("mobile-home"))
    # The grid's whistles, overdue first; the care visit due, flagged overdue.
    whistles = worker.page.locator("h2", has_text=zh("Whistles")).locator(
        "xpath=following-sibling::ul[1]/li"
    )
    assert world.overdue.tracking_code in whistles.nth(0).inner_text()
    assert world.fresh.tracking_code in whistles.nth(1).inner_text()
    care = worker.page.locator("h2", has_text=zh("Care visits due")).locator(
        "xpath=following-sibling::ul[1]"
    )
    # The overdue visit first, flagged 走访逾期 with the days late; the heading counts them.
    first = care.locator("li").first.inner_text()
    assert "张建国" in first and zh("visit overdue") in first  # 走访逾期 once translated
    with translation.override("zh-hans"):
        late = ngettext("%(days)s day late", "%(days)s days late", 2) % {"days": 2}
        counted = ngettext("%(counter)s overdue", "%(counter)s overdue", 1) % {"counter": 1}
    assert late in first, first
    heading = worker.page.locator("h2", has_text=zh("Care visits due"))
    assert heading.locator(".badge").inner_text() == counted
    assert zh("Call-backs due") in worker.text()
    worker.shot("my-work")
    worker.fits_a_phone()

    # Find a household by what people type: a unit and room, a building and room, a name,
    # its pinyin initials (zjg for 张建国 at 锦绣苑2号楼 1-101).
    worker.page.locator(f"main a.button[href='{reverse('grids-household-search')}']").click()
    worker.wait_for_path(reverse("grids-household-search"))
    results = worker.page.locator("main ul.tiles a")
    card = reverse("grids-household", args=[world.household.pk])
    every_101 = {card} | {reverse("grids-household", args=[h.pk]) for h in world.other_households}
    for typed, found in [
        ("1-101", every_101),
        ("1单元101室", every_101),
        ("2号楼101", {card}),
        ("锦绣苑2号楼 101", {card}),
        ("锦绣苑2号楼 1-101", {card}),
        ("2-1-101", {card}),
        ("张建国", {card}),
        ("zjg", {card}),
    ]:
        worker.page.locator("form[role=search] input[name=q]").fill(typed)
        worker.submit("form[role=search]")
        hrefs = {results.nth(i).get_attribute("href") for i in range(results.count())}
        assert hrefs == found, typed
        worker.shot(f"search-{typed}")

    # The household card: residents with tags, care records, visit history.
    results.click()
    worker.wait_for_path(card)
    text = worker.text()
    for seen in ("张建国", "李秀英", "独居老人", "每周上门一次"):
        assert seen in text, seen
    worker.shot("household-card")
    worker.fits_a_phone()

    # Record a visit: a problem described raises a whistle to the community in the same step.
    worker.page.locator(
        f"a.button[href='{reverse('grids-visit', args=[world.household.pk])}']"
    ).click()
    worker.wait_for_path(reverse("grids-visit", args=[world.household.pk]))
    worker.page.fill("#id_seen", "老人精神不错，屋内整洁。")
    worker.page.fill("#id_needs", "想要一个助行器")
    worker.page.select_option("#id_problem_category", label="设施阻碍通行")
    worker.page.fill("#id_problem", "单元门口路灯坏了，晚上很黑。")
    worker.shot("visit-form")
    worker.fits_a_phone()
    worker.submit("main form")
    worker.wait_for_path(card)
    visit = Visit.objects.get()
    raised = visit.whistle
    assert (raised.community, raised.building, raised.status) == (
        world.community,
        world.household.building,
        Status.SUBMITTED,
    )
    assert raised.tracking_code in worker.message()
    assert "老人精神不错" in worker.text()  # the visit history
    worker.shot("visit-recorded")
    world.care.refresh_from_db()
    assert world.care.last_visit_at is not None

    # The community cadre sees the raised whistle as 网格员上报 and prints the contact card.
    cadre = person("community_cadre").log_in(
        world["community_cadre"], then=reverse("whistle-detail", args=[raised.pk])
    )
    cadre.wait_for_path(reverse("whistle-detail", args=[raised.pk]))
    assert "网格员上报" in cadre.text()
    cadre.shot("raised-whistle")
    cadre.goto(card)
    pdf = cadre.fetch(cadre.page.get_by_role("link", name=zh("Contact card (PDF)")))
    assert pdf.body().startswith(b"%PDF")
    cadre.shot("household-card")


def test_community_keeps_the_care_ledger_and_the_street_reads_it_masked(world, person):
    # Community cadres open and edit care records in the admin (filter overdue visits);
    # changing the frequency moves the next due date from the last visit. Street cadres read
    # the ledger masked.
    last = timezone.now() - timedelta(days=10)
    CareRecord.objects.filter(pk=world.care.pk).update(last_visit_at=last)
    cadre = person("community_cadre").log_in(world["community_cadre"])
    cadre.goto(reverse("admin:grids_carerecord_changelist") + "?overdue=yes")
    assert "张建国" in cadre.text("#result_list")
    cadre.shot("ledger-overdue")
    cadre.goto(reverse("admin:grids_carerecord_change", args=[world.care.pk]))
    cadre.page.fill("input[name=visit_every_days]", "14")
    cadre.shot("change-frequency")
    cadre.submit("#carerecord_form")
    world.care.refresh_from_db()
    assert world.care.next_visit_due == last + timedelta(days=14)
    cadre.shot("saved")

    street = person("street_cadre").log_in(world["street_cadre"])
    street.goto(reverse("admin:grids_carerecord_changelist"))
    listed = street.text("#result_list")
    assert mask_name("张建国") in listed, listed
    assert "张建国" not in listed
    street.shot("ledger-masked")
