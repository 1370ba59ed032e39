"""Staff pages: scope (a cadre of another community, a department not dispatched to: 404),
the steps through the pages, masking, the inbox, and query counts flat as rows grow."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from governance.models import Notification
from services.whistles import dispatch
from services.whistles.models import Status, WhistlePhoto
from tests.factories import UserFactory
from tests.services.images import photo

pytestmark = pytest.mark.django_db


def detail(w):
    return reverse("whistle-detail", args=[w.pk])


def step(w, name):
    return reverse("whistle-step", args=[w.pk, name])


def dispatched(world):
    w = dispatch.accept_whistle(whistle=world.submit(), actor=world.cadre_a)
    return dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)


def test_outsiders_get_404_and_no_data(client_for, world):
    w = dispatched(world)
    for outsider in (world.cadre_b, world.other_handler, world.worker_b):
        client = client_for(outsider)
        response = client.get(detail(w))
        assert response.status_code == 404
        assert w.tracking_code.encode() not in response.content
        assert client.post(step(w, "sign")).status_code == 404
        listing = client.get(reverse("whistle-list")).content.decode()
        assert w.tracking_code not in listing
    for insider in (world.cadre_a, world.street_cadre, world.handler):
        assert client_for(insider).get(detail(w)).status_code == 200


def test_a_volunteer_has_no_whistle_pages(client_for, world):
    volunteer = UserFactory(username="vol", role="volunteer", node=world.tree.community_a)
    assert client_for(volunteer).get(reverse("whistle-list")).status_code == 403


def test_a_grid_worker_sees_the_whistles_of_their_grid(client_for, world):
    w = world.submit()  # building in grid A
    assert client_for(world.worker_a).get(detail(w)).status_code == 200
    address_only = world.submit(building=None, address="红旗路口")
    assert client_for(world.worker_a).get(detail(address_only)).status_code == 404
    w2 = dispatch.accept_whistle(whistle=address_only, actor=world.cadre_a)
    dispatch.dispatch_whistle(whistle=w2, actor=world.cadre_a, grid=world.tree.grid_a)
    assert client_for(world.worker_a).get(detail(w2)).status_code == 200


def test_the_lifecycle_through_the_staff_pages(client_for, world):
    w = world.submit()
    client = client_for(world.cadre_a)
    page = client.get(detail(w))
    assert [name for name, _label, _form in page.context["steps"]] == [
        "accept",
        "reject",
        "merge",
        "comment",
    ]
    client.post(step(w, "accept"), {"note": "收到"})
    client.post(step(w, "dispatch"), {"department": world.city.pk})
    w.refresh_from_db()
    assert w.status == Status.DISPATCHED and w.lead_department == world.city

    client = client_for(world.handler)
    page = client.get(detail(w))
    assert [name for name, _l, _f in page.context["steps"]] == [
        "sign",
        "extend",
        "return",
        "ask-transfer",
        "comment",
    ]
    client.post(step(w, "sign"))
    client.post(step(w, "resolve"), {"note": ""})  # refused: a note is required
    w.refresh_from_db()
    assert w.status == Status.SIGNED
    client.post(step(w, "resolve"), {"note": "已劝离车辆并设置隔离桩"})
    w.refresh_from_db()
    assert w.status == Status.RESOLVED


def test_an_illegal_step_through_the_page_is_a_message_not_a_500(client_for, world):
    w = world.submit()
    client = client_for(world.cadre_a)
    response = client.post(step(w, "dispatch"), {"department": world.city.pk}, follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    response = client.post(step(w, "no-such-step"), follow=True)
    assert response.status_code == 200
    w.refresh_from_db()
    assert w.status == Status.SUBMITTED


def test_a_handler_who_may_not_act_gets_403(client_for, world):
    w = dispatched(world)
    dispatch.sign_whistle(whistle=w, actor=world.handler)
    # The street cadre sees the whistle but is not its handler.
    assert client_for(world.street_cadre).post(step(w, "resolve"), {"note": "x"}).status_code == 403


def test_the_mobile_is_masked_for_the_department_but_not_the_community(client_for, world):
    w = dispatched(world)
    handler_page = client_for(world.handler).get(detail(w)).content.decode()
    assert "13912345678" not in handler_page and "139****5678" in handler_page
    assert "张某" in handler_page and "张建国" not in handler_page
    cadre_page = client_for(world.cadre_a).get(detail(w)).content.decode()
    assert "13912345678" in cadre_page


def test_the_inbox_counts_unread_and_marks_read(
    client_for, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        world.submit()
    client = client_for(world.cadre_a)
    assert client.get(reverse("home")).context["unread_notifications"] == 1
    notification = Notification.objects.get(recipient=world.cadre_a)
    response = client.get(reverse("notification-open", args=[notification.pk]))
    assert response["Location"] == notification.url
    assert client.get(reverse("home")).context["unread_notifications"] == 0
    # Someone else's notification is not there to open.
    assert (
        client_for(world.cadre_b)
        .get(reverse("notification-open", args=[notification.pk]))
        .status_code
        == 404
    )
    assert Notification.objects.get(recipient=world.cadre_a).delivered_at is not None


def grow(world, n):
    for i in range(n):
        w = world.submit(description=f"第{i}个问题：楼道堆物")
        if i % 2:
            w = dispatch.accept_whistle(whistle=w, actor=world.cadre_a, note="收到")
            dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)


@pytest.mark.parametrize("n", [2, 12])
@pytest.mark.parametrize(
    "url_name, who",
    [
        ("whistle-list", "cadre_a"),
        ("whistle-list", "handler"),
        ("mobile-home", "worker_a"),
        ("mobile-home", "handler"),
        ("inbox", "cadre_a"),
    ],
)
def test_list_query_counts_do_not_grow(
    client_for,
    world,
    n,
    url_name,
    who,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        grow(world, n)
    client = client_for(getattr(world, who))
    with django_assert_max_num_queries(14):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.parametrize("steps", [1, 6])
def test_detail_query_count_does_not_grow_with_the_timeline(
    client_for, world, steps, django_assert_max_num_queries
):
    w = dispatched(world)
    w = dispatch.sign_whistle(whistle=w, actor=world.handler)
    for i in range(steps):
        w = dispatch.request_extension(
            whistle=w,
            actor=world.handler,
            reason=f"第{i}次",
            until=w.resolve_due.replace(year=w.resolve_due.year + 1),
        )
        w = dispatch.decide_extension(whistle=w, actor=world.cadre_a, approve=False)
    client = client_for(world.cadre_a)
    # Flat: the same count for one event as for six (supervision, transfer, supporters and
    # merged reports are one query each).
    with django_assert_max_num_queries(18):
        assert client.get(detail(w)).status_code == 200


def test_a_volunteer_sees_no_residents_data_through_their_node(client_for, world):
    from services.whistles import dispatch as steps
    from services.whistles.models import CallBack
    from tests.services.images import photo

    volunteer = UserFactory(username="vol2", role="volunteer", node=world.tree.community_a)
    w = steps.accept_whistle(whistle=world.submit(photos=[photo()]), actor=world.cadre_a)
    w = steps.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)
    w = steps.sign_whistle(whistle=w, actor=world.handler)
    w = steps.resolve_whistle(whistle=w, actor=world.handler, note="ok")
    from services.whistles import rating

    rating.rate_whistle(whistle=w, rating=5)
    client = client_for(volunteer)
    assert w.tracking_code not in client.get(reverse("mobile-home"), follow=True).content.decode()
    assert client.get(detail(w)).status_code in (403, 404)
    assert client.get(reverse("whistle-photo", args=[w.photos.first().pk])).status_code == 404
    callback = CallBack.objects.get(whistle=w)
    assert (
        client.post(
            reverse("callback-record", args=[callback.pk]), {"outcome": "satisfied"}
        ).status_code
        == 404
    )
    assert client.get(reverse("org-tree")).status_code == 404
    assert client.get(reverse("org-export")).status_code == 404
    assert client.get("/api/nodes/").json()["results"] == []


def test_a_handler_who_returns_a_whistle_lands_on_their_work_list(client_for, world):
    """After 退单 the whistle is the community's again and out of the handler's sight: the
    handler lands on my work with the step's message, not on a 404."""
    w = dispatched(world)
    response = client_for(world.handler).post(step(w, "return"), {"reason": "不属于我部门职责"})
    assert response.status_code == 302 and response["Location"] == reverse("mobile-home")
    work = client_for(world.handler).get(response["Location"])
    assert [m.level_tag for m in work.context["messages"]] == ["success"]
    w.refresh_from_db()
    assert w.status not in (Status.DISPATCHED, Status.SIGNED)


def test_the_whistle_page_tells_the_residents_photos_from_the_result(client_for, world):
    w = dispatched(world)
    WhistlePhoto.objects.create(whistle=w, stage=WhistlePhoto.Stage.REPORT, image=photo("a.png"))
    dispatch.sign_whistle(whistle=w, actor=world.handler)
    dispatch.resolve_whistle(whistle=w, actor=world.handler, note="已清理", photos=[photo("b.png")])
    page = client_for(world.cadre_a).get(detail(w))
    (before, shown_before), (after, shown_after) = page.context["photo_stages"]
    assert [p.stage for p in shown_before] == [WhistlePhoto.Stage.REPORT]
    assert [p.stage for p in shown_after] == [WhistlePhoto.Stage.RESOLUTION]
    content = page.content.decode()
    assert content.index(escape(str(before))) < content.index(escape(str(after)))


def test_the_work_list_says_which_deadline_runs(client_for, world):
    waiting = world.submit()
    handled = dispatched(world)
    page = client_for(world.cadre_a).get(reverse("whistle-list")).content.decode()
    assert waiting.running_deadline != handled.running_deadline
    assert str(waiting.running_deadline) in page and str(handled.running_deadline) in page
