"""README, "Command center": `street_cadre` opens Command center — headcounts, the whistle
figures for 30, 90 or 365 days, charts beside the tables, the longest overdue with links,
the table below the node sorted by a column and descended by name, the breadcrumb back up,
the Excel download; a community cadre opens only their own community."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from services.whistles import dispatch, intake
from services.whistles.models import Category, Department, Urgency
from tests.e2e.conftest import zh
from tests.e2e.world import red_star_street
from tests.factories import cadre as cadre_of

pytestmark = pytest.mark.browser  # Chromium: skipped without it (tests/e2e/conftest.py)


@pytest.fixture
def world(transactional_db):
    world = red_star_street()
    category, _ = Category.objects.get_or_create(
        name="垃圾清运",
        defaults={
            "urgency": Urgency.GENERAL,
            "dispatch_within": timedelta(hours=24),
            "resolve_within": timedelta(days=7),
        },
    )
    department = Department.objects.create(street=world.street, name="城市管理执法队")
    cadre = world["community_cadre"]
    now = timezone.now()

    def report(community, building, days_ago):
        return intake.submit_whistle(
            category=category,
            description="垃圾桶已经满了两天没人清运，气味很大。",
            community=community,
            building=building,
            reporter_name="周敏",
            reporter_mobile="13500001111",
            contact_consent=True,
            reported_at=now - timedelta(days=days_ago),
        )

    # 红旗社区: three this month, one dispatched 8 days ago and now past its 7 days.
    world.overdue = dispatch.dispatch_whistle(
        whistle=dispatch.accept_whistle(
            whistle=report(world.community, world.buildings[0], 8), actor=cadre
        ),
        actor=cadre,
        department=department,
    )
    for building in world.buildings[1:]:
        report(world.community, building, 0.1)  # fresh: within their dispatch hours
    # 幸福社区: one two months ago (in the 90 days, not the 30), not accepted.
    building = world.other_community.get_descendants().filter(kind=3).first()
    dispatch.reject_whistle(
        whistle=report(world.other_community, building, 60),
        actor=cadre_of(world.other_community),
        reason="不属于社区处理范围。",
    )
    return world


# The table "Below this node": the one after its heading.
BELOW = f"xpath=//h2[normalize-space()='{zh('Below this node')}']/following::table[1]"


def below(person):
    return person.page.locator(BELOW)


def figure(person, label):
    """The value shown beside `label` among the figures."""
    return (
        person.page.locator("section.figures div", has=person.page.locator("dt", has_text=label))
        .locator("dd")
        .first.inner_text()
    )


def test_street_cadre_reads_and_descends_the_command_center(world, person):
    street = person("street_cadre").log_in(world["street_cadre"])
    street.click_link(zh("Command center"), within="header.top")
    street.no_server_error()
    assert "红星街道" in street.text("h1")
    for label in (
        "Registered party members",
        "Party-member households",
        "Households",
        "Residents in the care ledger",
        "Volunteers",
        "Volunteer teams",
        "Service stations",
        "Received",
        "Overdue now",
        "Micro-wishes posted",
        "Micro-wishes lit",
        "Volunteer hours approved",
        "Active volunteers",
    ):
        assert zh(label) in street.text("section.figures"), label
    assert figure(street, zh("Received")) == "3"  # the last 30 days: 红旗社区's three
    assert figure(street, zh("Overdue now")) == "1"
    # Charts (ECharts, served by the portal) beside the same figures as tables.
    street.page.wait_for_selector("#chart-children canvas")
    overdue = street.page.locator(
        f"main a[href='{reverse('whistle-detail', args=[world.overdue.pk])}']"
    )
    assert world.overdue.tracking_code in overdue.inner_text()
    street.shot("street-30-days")

    street.click_link(zh("Last %(days)s days") % {"days": 90}, within="main nav.tabs")
    assert figure(street, zh("Received")) == "4"
    street.shot("street-90-days")

    # Below this node: sort by a column, descend by name.
    table = below(street)
    table.locator("th a", has_text=zh("Received")).click()
    street.page.wait_for_url(lambda url: "sort=" in url)
    first = table.locator("tbody tr").first.locator("td").first.inner_text()
    table.locator("th a", has_text=zh("Received")).click()
    street.page.wait_for_url(lambda url: "sort=" in url)
    assert table.locator("tbody tr").first.locator("td").first.inner_text() != first
    street.shot("below-sorted")
    street.click_link("红旗社区", within=BELOW)
    street.wait_for_path(reverse("command-center-node", args=[world.community.pk]))
    street.shot("community")
    street.click_link("红旗社区第1网格", within=BELOW)
    street.wait_for_path(reverse("command-center-node", args=[world.grid.pk]))
    assert figure(street, zh("Received")) == "3"
    street.shot("grid")
    street.click_link("红星街道", within="nav.breadcrumb")
    street.wait_for_path(reverse("command-center-node", args=[world.street.pk]))

    # Download as Excel: the figures and the child table, node and period in the file name.
    workbook = street.fetch(street.page.get_by_role("link", name=zh("Download as Excel")))
    assert workbook.body().startswith(b"PK")
    disposition = workbook.headers["content-disposition"]
    assert ".xlsx" in disposition and "90" in disposition, disposition

    # A community cadre opens only their community: another's page or export is 404.
    cadre = person("community_cadre").log_in(world["community_cadre"])
    cadre.click_link(zh("Command center"), within="header.top")
    assert "红旗社区" in cadre.text("h1")
    cadre.shot("community-cadre")
    other = reverse("command-center-node", args=[world.other_community.pk])
    assert cadre.page.goto(other).status == 404
    cadre.shot("another-community-404")
    export = cadre.page.request.get(
        reverse("command-center-export", args=[world.other_community.pk])
    )
    assert export.status == 404
