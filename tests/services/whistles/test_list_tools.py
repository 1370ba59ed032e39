"""The staff list's tools: one search box, the export of what is listed, dispatching several
at once, and the printed work order (派单单) — each inside the viewer's scope only."""

import datetime
import io

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from governance.models import PersonalDataExport
from services.whistles import dispatch
from services.whistles.models import Status

pytestmark = pytest.mark.django_db

LIST = reverse("whistle-list")


def codes(response):
    return {w.tracking_code for w in response.context["page"].object_list}


def sheet_rows(response):
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return list(book.worksheets[0].iter_rows(values_only=True))


def accepted(world, **overrides):
    return dispatch.accept_whistle(whistle=world.submit(**overrides), actor=world.cadre_a)


def test_one_box_searches_code_address_and_words(client_for, world):
    lamp = world.submit(description="楼道灯坏了，晚上看不见", building=None, address="红旗路12号")
    parking = world.submit(description="小区门口乱停车，堵住消防通道")
    client = client_for(world.cadre_a)
    assert codes(client.get(LIST, {"q": lamp.tracking_code.lower()})) == {lamp.tracking_code}
    assert codes(client.get(LIST, {"q": "红旗路"})) == {lamp.tracking_code}
    assert codes(client.get(LIST, {"q": "消防"})) == {parking.tracking_code}
    building = world.tree.buildings_a[0].name
    assert codes(client.get(LIST, {"q": building})) == {parking.tracking_code}
    assert codes(client.get(LIST, {"q": "没有这回事"})) == set()


def test_search_stays_in_scope(client_for, world):
    theirs = world.submit(community=world.tree.community_b, building=world.tree.buildings_b[0])
    client = client_for(world.cadre_a)
    assert codes(client.get(LIST, {"q": theirs.tracking_code})) == set()


@pytest.mark.parametrize("n", [1, 8])
def test_search_and_export_query_counts_stay_flat(
    client_for, world, n, django_assert_max_num_queries
):
    for _ in range(n):
        world.submit(description="楼道灯坏了，晚上看不见")
    client = client_for(world.cadre_a)
    with django_assert_max_num_queries(16):
        assert client.get(LIST, {"q": "楼道"}).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("whistle-export"), {"q": "楼道"}).status_code == 200


def test_the_export_is_what_is_listed_masked(client_for, world):
    lamp = world.submit(description="楼道灯坏了，晚上看不见")
    world.submit(description="小区门口乱停车，堵住消防通道")
    world.submit(community=world.tree.community_b, building=world.tree.buildings_b[0])
    client = client_for(world.cadre_a)
    response = client.get(reverse("whistle-export"), {"q": "楼道灯"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    title, header, *rows = sheet_rows(response)
    assert world.tree.community_a.place in title[0]  # the title row says whose list it is
    assert header[0] == "查询码" and len(rows) == 1
    (row,) = rows
    assert row[0] == lamp.tracking_code
    text = " ".join(str(v) for v in row)
    assert "张建国" not in text and "13912345678" not in text
    assert "张某" in text and "139****5678" in text
    assert PersonalDataExport.objects.filter(user=world.cadre_a).exists()
    # The whole list: two whistles of the community, not the other community's.
    everything = sheet_rows(client.get(reverse("whistle-export")))
    assert len(everything) == 4  # title, header and the community's two
    reported = everything[2][5]
    assert isinstance(reported, datetime.datetime)  # a real date-time cell, not text


def test_the_export_of_someone_who_sees_nothing_is_empty(client_for, world):
    world.submit()
    rows = sheet_rows(client_for(world.other_handler).get(reverse("whistle-export")))
    assert len(rows) == 2  # the title and the header only


def test_dispatch_several_at_once_reports_done_and_refused(client_for, world):
    first, second = accepted(world), accepted(world)
    fresh = world.submit()  # not accepted yet: refused with the step's reason
    client = client_for(world.cadre_a)
    response = client.post(
        reverse("whistle-bulk-dispatch"),
        {
            "whistles": [first.pk, second.pk, fresh.pk],
            "department": world.city.pk,
            "back": "status=accepted&page=2",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{LIST}?status=accepted"
    texts = [str(m) for m in response.context["messages"]]
    assert any("2" in t and world.city.name in t for t in texts)
    assert any(fresh.tracking_code in t for t in texts)
    for w in (first, second):
        w.refresh_from_db()
        assert (w.status, w.lead_department) == (Status.DISPATCHED, world.city)
        assert w.events.filter(kind="dispatched").count() == 1
    fresh.refresh_from_db()
    assert fresh.status == Status.SUBMITTED


def test_dispatch_several_refuses_a_whistle_outside_and_does_nothing(client_for, world):
    mine = accepted(world)
    theirs = dispatch.accept_whistle(
        whistle=world.submit(community=world.tree.community_b, building=world.tree.buildings_b[0]),
        actor=world.cadre_b,
    )
    client = client_for(world.cadre_a)
    response = client.post(
        reverse("whistle-bulk-dispatch"),
        {"whistles": [mine.pk, theirs.pk], "department": world.city.pk},
    )
    assert response.status_code == 302
    for w in (mine, theirs):
        w.refresh_from_db()
        assert w.status == Status.ACCEPTED
    # Handlers and grid workers may not triage at all.
    for user in (world.handler, world.worker_a):
        refused = client_for(user).post(
            reverse("whistle-bulk-dispatch"), {"whistles": [mine.pk], "department": world.city.pk}
        )
        assert refused.status_code == 403
    mine.refresh_from_db()
    assert mine.status == Status.ACCEPTED


def test_the_list_offers_ticks_for_accepted_whistles_to_triagers_only(client_for, world):
    w = accepted(world)
    page = client_for(world.cadre_a).get(LIST)
    assert page.context["bulk_ids"] == {w.pk}
    assert b'form="bulk-dispatch"' in page.content
    handler_page = client_for(world.worker_a).get(LIST)
    assert (
        handler_page.context["bulk_form"] is None and b"bulk-dispatch" not in handler_page.content
    )


def pdf_text(response):
    pdf = pypdfium2.PdfDocument(response.content)
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def test_the_work_order_prints_for_a_dispatched_whistle_in_scope(client_for, world):
    w = accepted(world)
    order = reverse("whistle-order", args=[w.pk])
    assert client_for(world.cadre_a).get(order).status_code == 404  # not dispatched yet
    dispatch.dispatch_whistle(
        whistle=w, actor=world.cadre_a, department=world.city, co_departments=[world.housing]
    )
    with translation.override("zh-hans"):
        response = client_for(world.handler).get(order)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert w.tracking_code in text and world.city.name in text and world.housing.name in text
    assert "139****5678" in text and "13912345678" not in text  # the handler reads it masked
    dispatch.sign_whistle(whistle=w, actor=world.handler)  # signed, the resident agreed
    signed_text = pdf_text(client_for(world.handler).get(order))
    assert "13912345678" in signed_text and "张建国" not in signed_text
    cadre_text = pdf_text(client_for(world.cadre_a).get(order))
    assert "13912345678" in cadre_text  # the community calls the resident
    # The co-handling department's handler sees it too; another community's staff do not.
    for outsider in (world.cadre_b, world.worker_b):
        response = client_for(outsider).get(order)
        assert response.status_code == 404 and w.tracking_code.encode() not in response.content
