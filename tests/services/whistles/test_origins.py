"""A whistle a grid worker raises on a visit says so (网格员上报): the worker is not named as
the resident, the staff page links the visited household with its residents named as the
viewer may read them, and every source reads in words."""

import pytest
from django.urls import reverse
from django.utils import translation

from grids import care
from grids.models import Household, Resident
from services.whistles.models import EventKind, Source, source_label
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit_whistle(world):
    household = Household.objects.create(
        building=world.tree.buildings_a[0], unit="2", room="101", size=1
    )
    Resident.objects.create(household=household, name="李秀英", mobile="13912340009")
    worker = UserFactory(
        username="gw_visit", role="grid_worker", node=world.tree.grid_a, full_name="网格员甲"
    )
    visit = care.record_visit(
        household=household,
        worker=worker,
        seen="老人精神不错",
        problem_category=world.general,
        problem="楼道灯坏了，晚上看不见",
    )
    return visit.whistle, household


def test_the_staff_page_says_grid_worker_and_links_the_household(
    client_for, world, visit_whistle, django_assert_max_num_queries
):
    whistle, household = visit_whistle
    client = client_for(world.cadre_a)
    with translation.override("zh-hans"), django_assert_max_num_queries(30):
        page = client.get(reverse("whistle-detail", args=[whistle.pk]))
    html = page.content.decode()
    assert page.context["origin_links"] == [
        (
            f"{household.building.place} 2-101 · 李秀英",
            reverse("grids-household", args=[household.pk]),
        )
    ]
    assert reverse("grids-household", args=[household.pk]) in html
    assert ">visit<" not in html and "来源 visit" not in html
    kinds = list(whistle.events.values_list("kind", flat=True))
    assert kinds[0] == EventKind.GRID_REPORTED and EventKind.SUBMITTED not in kinds


def test_outside_the_community_no_household_and_masked_for_the_street(
    client_for, world, visit_whistle
):
    whistle, household = visit_whistle
    assert (
        client_for(world.cadre_b).get(reverse("whistle-detail", args=[whistle.pk])).status_code
        == 404
    )
    page = client_for(world.street_cadre).get(reverse("whistle-detail", args=[whistle.pk]))
    ((label, _url),) = page.context["origin_links"]
    assert "李秀英" not in page.content.decode() and label.endswith("李某")


def test_the_resident_reads_grid_worker_on_the_status_page(world, visit_whistle):
    whistle, _household = visit_whistle
    event = whistle.events.filter(public=True).first()
    with translation.override("en"):
        assert event.get_kind_display() == "Reported by the grid worker"


def test_every_source_reads_in_words():
    with translation.override("en"):
        assert source_label("") == ""
        assert "grid worker" in source_label(Source.VISIT)
        assert source_label(Source.DEMO) == "Generated demo data"
        assert source_label("ST-0101") == "The poster of service station ST-0101"
    for value in Source.values:
        assert source_label(value) != value
