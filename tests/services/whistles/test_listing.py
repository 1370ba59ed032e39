"""The staff list's page from as few passes as it needs: its figures and its pager's count
in one, the page's keys sorted and sliced in another, then only the page's rows — the same
number of queries for one row as for two pages, and the same figures as figures.py's."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from services.whistles import dispatch, exporting, listing, supervision
from services.whistles.figures import whistle_figures
from services.whistles.models import Status, Whistle

pytestmark = pytest.mark.django_db

LIST = reverse("whistle-list")


def whistle_queries(captured):
    return [q["sql"] for q in captured if '"services_whistle"' in q["sql"]]


def grow(world, n):
    made = [world.submit(description=f"第{i}个问题：楼道堆物") for i in range(n)]
    for w in made[::3]:
        dispatch.accept_whistle(whistle=w, actor=world.cadre_a)
    return made


@pytest.mark.parametrize("n", [1, 40])
def test_the_list_reads_its_whistles_in_three_queries_however_many(client_for, world, n):
    grow(world, n)
    client = client_for(world.cadre_a)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST)
    assert response.status_code == 200
    reads = whistle_queries(captured.captured_queries)
    # The figures with the count (on PostgreSQL with the page's keys too), the page's keys
    # elsewhere, the page's rows: no count of its own for the pager.
    assert len(reads) == (2 if connection.vendor == "postgresql" else 3)
    assert sum("COUNT(" in sql for sql in reads) == 1
    assert response.context["page"].paginator.count == n
    assert len(response.context["page"].object_list) == min(n, listing.PER_PAGE)


def test_a_later_filtered_page_counts_its_rows_with_its_keys(client_for, world):
    made = grow(world, 50)
    client = client_for(world.cadre_a)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, {"status": Status.SUBMITTED, "page": 2})
    reads = whistle_queries(captured.captured_queries)
    # The figures' pass, the filtered keys with their count (a window), the page's rows.
    assert len(reads) == 3
    assert sum("COUNT(" in sql for sql in reads) == 2 and "OVER ()" in reads[1]
    page = response.context["page"]
    submitted = [w for w in made if w.pk not in {m.pk for m in made[::3]}]
    assert page.paginator.count == len(submitted) == 33
    assert page.number == 2
    assert [w.pk for w in page.object_list] == [w.pk for w in reversed(submitted)][30:]
    past = client.get(LIST, {"status": Status.SUBMITTED, "page": 7}).context["page"]
    assert past.number == 2 and past.object_list == page.object_list


def test_the_pages_are_in_the_lists_order_overdue_first(client_for, world):
    made = grow(world, 35)
    late = made[5]
    Whistle.objects.filter(pk=late.pk).update(dispatch_due=timezone.now() - timedelta(hours=1))
    client = client_for(world.cadre_a)
    first = client.get(LIST).context["page"].object_list
    second = client.get(LIST, {"page": 2}).context["page"].object_list
    # Beyond the last page: the last page, from the keys' own query.
    assert client.get(LIST, {"page": 9}).context["page"].object_list == second
    rest = [w.pk for w in reversed(made) if w.pk != late.pk]
    assert [w.pk for w in first + second] == [late.pk, *rest]
    assert first[0].is_overdue and not any(w.is_overdue for w in first[1:] + second)


def test_rows_and_detail_flag_an_overdue_supervision_order(client_for, world):
    w = dispatch.accept_whistle(whistle=world.submit(), actor=world.cadre_a)
    w = dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)
    Whistle.objects.filter(pk=w.pk).update(
        escalated_to=world.tree.street, escalated_at=timezone.now()
    )
    w.refresh_from_db()
    due = timezone.now() + timedelta(hours=1)
    supervision.supervise_whistle(whistle=w, actor=world.street_cadre, comment="尽快", due_at=due)
    client = client_for(world.street_cadre)
    detail = reverse("whistle-detail", args=[w.pk])
    (row,) = client.get(LIST).context["page"].object_list
    assert row.supervision_due == due and not row.supervision_overdue
    assert not client.get(detail).context["supervisions"][0].overdue

    w.supervisions.update(due_at=timezone.now() - timedelta(minutes=1))
    response = client.get(LIST)
    (row,) = response.context["page"].object_list
    assert row.supervision_overdue
    assert _("supervision overdue") in response.text
    response = client.get(detail)
    assert response.context["supervisions"][0].overdue
    assert _("supervision overdue") in response.text


def test_the_lists_figures_are_the_figures_of_figures_py(world):
    made = [world.submit() for _ in range(7)]
    now = timezone.now()
    for i, w in enumerate(made[:4]):
        w = dispatch.accept_whistle(whistle=w, actor=world.cadre_a)
        w = dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)
        w = dispatch.sign_whistle(whistle=w, actor=world.handler)
        w = dispatch.resolve_whistle(whistle=w, actor=world.handler, note="done")
        Whistle.objects.filter(pk=w.pk).update(resolved_at=w.created_at + timedelta(hours=3 + i))
    visible = Whistle.objects.visible_to(world.cadre_a)
    start = now - timedelta(days=30)
    shown, total, keys = listing.figures_and_count(visible, start=start, end=now, now=now)
    assert total == 7 and keys is None  # no places asked
    assert shown == whistle_figures(visible, start=start, end=now, now=now)
    assert shown.median_time_to_resolve == timedelta(hours=4, minutes=30)


def test_the_export_reads_the_list_in_its_order_a_chunk_at_a_time(world, django_assert_num_queries):
    made = grow(world, 7)
    Whistle.objects.filter(pk=made[2].pk).update(dispatch_due=timezone.now() - timedelta(hours=1))
    listed = listing.in_list_order(Whistle.objects.visible_to(world.cadre_a), timezone.now())
    with django_assert_num_queries(1 + 4):  # the keys, then 4 chunks of 2
        rows = list(exporting.in_order(listed, chunk=2))
    assert [w.pk for w in rows] == [made[2].pk, *(w.pk for w in reversed(made) if w != made[2])]
