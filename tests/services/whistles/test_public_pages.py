"""The resident's side: the public form, its protections, the status page and the rating."""

import pytest
from django.urls import reverse

from services.whistles import dispatch
from services.whistles.models import EventKind, Status, Whistle, WhistlePhoto
from tests.services.images import not_an_image, oversized, photo

pytestmark = pytest.mark.django_db
REPORT = "/report/"


def form_data(world, **overrides):
    data = {
        "category": world.general.pk,
        "description": "楼下消防通道被汽车堵住了。",
        "community": world.tree.community_a.pk,
        "building": world.tree.buildings_a[1].pk,
        "reporter_name": "王秀英",
        "reporter_mobile": "13612345678",
        "contact_consent": "on",
        # Past the 已有人反映 page (tests/services/whistles/test_duplicates.py): a new report.
        "as_new": "1",
    }
    data.update(overrides)
    return data


def test_the_form_can_be_prefilled_for_a_community_and_station(client, world):
    response = client.get(REPORT, {"community": world.tree.community_a.pk, "source": "ST-07"})
    assert response.status_code == 200
    form = response.context["form"]
    assert str(form["community"].value()) == str(world.tree.community_a.pk)
    assert form["source"].value() == "ST-07"
    # Only the chosen community's buildings are offered.
    assert set(form.fields["building"].queryset) == set(world.tree.buildings_a)


def test_the_building_list_follows_the_community(client, world):
    data = client.get("/report/buildings/", {"community": world.tree.community_b.pk}).json()
    assert {b["name"] for b in data["buildings"]} == {b.name for b in world.tree.buildings_b}
    assert client.get("/report/buildings/", {"community": "x"}).json() == {"buildings": []}


def test_a_resident_reports_with_photos_and_gets_a_tracking_code(client, world):
    response = client.post(REPORT, {**form_data(world), "photos": [photo(), photo("b.png")]})
    whistle = Whistle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("whistle-submitted", args=[whistle.tracking_code])
    page = client.get(response["Location"]).content.decode()
    assert whistle.tracking_code in page
    assert whistle.node == world.tree.buildings_a[1] and whistle.contact_consent
    assert WhistlePhoto.objects.filter(whistle=whistle, stage="report").count() == 2


@pytest.mark.parametrize(
    "override, field",
    [
        ({"reporter_mobile": "12345678901"}, "reporter_mobile"),
        ({"reporter_mobile": "1391234567"}, "reporter_mobile"),
        ({"description": ""}, "description"),
        ({"description": "坏" * 5000}, "description"),
        ({"building": "999999"}, "building"),
        ({"community": "abc"}, "community"),
        ({"building": "", "address": ""}, "address"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(client, world, override, field):
    response = client.post(REPORT, form_data(world, **override))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Whistle.objects.exists()


def test_a_building_of_another_community_is_refused(client, world):
    response = client.post(REPORT, form_data(world, building=world.tree.buildings_b[0].pk))
    assert response.status_code == 400 and not Whistle.objects.exists()


def test_the_address_can_replace_an_unknown_building(client, world):
    client.post(REPORT, form_data(world, building="", address="红旗路12号门口"))
    whistle = Whistle.objects.get()
    assert whistle.building is None and whistle.node == world.tree.community_a


@pytest.mark.parametrize(
    "upload, message",
    [
        (not_an_image, "image"),
        (oversized, "5 MB"),
        (lambda: photo("x.gif", fmt="GIF"), "JPEG"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_saved(client, world, upload, message):
    from django.utils import translation

    with translation.override("en"):
        response = client.post(
            REPORT, {**form_data(world), "photos": [upload()]}, headers={"accept-language": "en"}
        )
        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors["photos"])
    assert not Whistle.objects.exists() and not WhistlePhoto.objects.exists()


def test_more_than_three_photos_are_refused(client, world):
    response = client.post(REPORT, {**form_data(world), "photos": [photo() for _ in range(4)]})
    assert response.status_code == 400 and not Whistle.objects.exists()


def test_the_honeypot_saves_nothing(client, world):
    response = client.post(REPORT, form_data(world, website="http://spam.example"))
    assert response.status_code == 200
    assert not Whistle.objects.exists()


@pytest.mark.usefixtures("frozen_clock")
def test_the_form_is_rate_limited_per_ip_with_a_429_that_says_when(client, world, settings):
    settings.PUBLIC_FORM_RATE_PER_IP = "2/h"
    for i in range(2):
        client.post(REPORT, form_data(world, reporter_mobile=f"1381234567{i}"))
    response = client.post(REPORT, form_data(world, reporter_mobile="13812345679"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "分钟" in response.content.decode() or "minute" in response.content.decode()
    assert Whistle.objects.count() == 2
    other_ip = client.post(
        REPORT, form_data(world, reporter_mobile="13812345678"), REMOTE_ADDR="10.1.2.3"
    )
    assert other_ip.status_code == 302


@pytest.mark.usefixtures("frozen_clock")
def test_the_form_is_rate_limited_per_mobile_across_addresses(client, world, settings):
    settings.PUBLIC_FORM_RATE_PER_MOBILE = "2/h"
    for i in range(2):
        client.post(REPORT, form_data(world), REMOTE_ADDR=f"10.0.0.{i}")
    response = client.post(REPORT, form_data(world), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert Whistle.objects.count() == 2


def track(client, code, last4):
    return client.post("/track/", {"code": code, "last4": last4})


def test_status_needs_the_code_and_the_last_four_digits(client, world):
    whistle = world.submit()
    assert client.get(f"/track/{whistle.tracking_code}/").status_code == 302
    response = track(client, whistle.tracking_code, "0000")
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert track(client, "NOSUCHCODE", "5678").status_code == 400
    assert track(client, "x", "12").status_code == 400
    response = track(client, whistle.tracking_code.lower(), "5678")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_the_public_timeline_hides_staff_names_and_internal_notes(client, world):
    w = dispatch.accept_whistle(whistle=world.submit(), actor=world.cadre_a, note="内部：转城管")
    w = dispatch.dispatch_whistle(
        whistle=w, actor=world.cadre_a, department=world.city, note="内部：请尽快"
    )
    w = dispatch.sign_whistle(whistle=w, actor=world.handler)
    w = dispatch.request_extension(
        whistle=w,
        actor=world.handler,
        reason="内部：等待审批",
        until=w.resolve_due.replace(year=w.resolve_due.year + 1),
    )
    track(client, w.tracking_code, "5678")
    body = client.get(f"/track/{w.tracking_code}/").content.decode()
    assert world.handler.full_name not in body and world.cadre_a.full_name not in body
    assert "内部" not in body
    assert str(EventKind.ACCEPTED.label) in body  # the step shows, its note does not
    assert "13912345678" not in body
    assert w.get_status_display() in body


def test_the_resident_rates_a_resolved_whistle_and_it_closes(client, world):
    w = dispatch.accept_whistle(whistle=world.submit(), actor=world.cadre_a)
    w = dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)
    w = dispatch.sign_whistle(whistle=w, actor=world.handler)
    w = dispatch.resolve_whistle(whistle=w, actor=world.handler, note="已清理干净")
    track(client, w.tracking_code, "5678")
    page = client.get(f"/track/{w.tracking_code}/")
    assert page.context["rating_form"] is not None and "已清理干净" in page.content.decode()
    client.post(f"/track/{w.tracking_code}/rate/", {"fixed": "yes", "rating": 5, "comment": "谢谢"})
    w.refresh_from_db()
    assert w.status == Status.CLOSED and w.rating == 5
    # Rating twice is refused with a message, and changes nothing.
    response = client.post(
        f"/track/{w.tracking_code}/rate/", {"fixed": "no", "rating": 1}, follow=True
    )
    assert response.status_code == 200
    w.refresh_from_db()
    assert w.status == Status.CLOSED and w.rating == 5


def test_a_bad_rating_changes_nothing(client, world):
    w = world.submit()
    track(client, w.tracking_code, "5678")
    client.post(f"/track/{w.tracking_code}/rate/", {"fixed": "yes", "rating": 9})
    w.refresh_from_db()
    assert w.status == Status.SUBMITTED and w.rating is None
    assert not w.events.filter(kind=EventKind.RATED).exists()


def test_rating_another_browsers_whistle_is_404(client, world):
    w = world.submit()
    assert (
        client.post(f"/track/{w.tracking_code}/rate/", {"fixed": "yes", "rating": 5}).status_code
        == 404
    )
    assert client.get(f"/report/submitted/{w.tracking_code}/").status_code == 404


@pytest.mark.usefixtures("frozen_clock")
def test_status_lookups_are_rate_limited(client, world, settings):
    settings.PUBLIC_LOOKUP_RATE_PER_IP = "3/h"
    for _ in range(3):
        track(client, "AAAAAAAAAA", "1234")
    assert track(client, "AAAAAAAAAA", "1234").status_code == 429


def test_photos_are_served_only_to_those_who_may_see_them(client, client_for, world):
    client.post(REPORT, {**form_data(world), "photos": [photo()]})
    w = Whistle.objects.get()
    reported = w.photos.get()
    url = reverse("whistle-photo", args=[reported.pk])
    assert client.get(url).status_code == 404  # the resident's own upload is not echoed back
    w = dispatch.accept_whistle(whistle=w, actor=world.cadre_a)
    w = dispatch.dispatch_whistle(whistle=w, actor=world.cadre_a, department=world.city)
    w = dispatch.sign_whistle(whistle=w, actor=world.handler)
    w = dispatch.resolve_whistle(whistle=w, actor=world.handler, note="done", photos=[photo()])
    result_url = reverse("whistle-photo", args=[w.photos.get(stage="resolution").pk])
    assert client.get(result_url).status_code == 200
    from django.test import Client

    stranger = Client()
    assert stranger.get(result_url).status_code == 404
    assert client_for(world.cadre_b).get(url).status_code == 404
    assert client_for(world.cadre_a).get(url).status_code == 200


def test_the_whole_story_through_the_pages(client, world, django_capture_on_commit_callbacks):
    """A resident reports on the public form; the community accepts and dispatches; the
    department signs and resolves; the resident rates; the grid worker calls back."""
    from django.test import Client

    from services.whistles.models import CallBack

    with django_capture_on_commit_callbacks(execute=True):
        client.post(REPORT, form_data(world))
    w = Whistle.objects.get()
    assert w.routed_at and w.suggested_department == world.city

    staff = Client()
    staff.force_login(world.cadre_a)
    staff.post(reverse("whistle-step", args=[w.pk, "accept"]))
    staff.post(reverse("whistle-step", args=[w.pk, "dispatch"]), {"department": world.city.pk})
    staff.force_login(world.handler)
    staff.post(reverse("whistle-step", args=[w.pk, "sign"]))
    staff.post(reverse("whistle-step", args=[w.pk, "resolve"]), {"note": "车辆已移走"})

    page = client.get(reverse("whistle-status", args=[w.tracking_code]))
    assert page.context["rating_form"] is not None
    client.post(reverse("whistle-rate", args=[w.tracking_code]), {"fixed": "yes", "rating": 5})
    w.refresh_from_db()
    assert w.status == Status.CLOSED

    callback = CallBack.objects.get(whistle=w)
    staff.force_login(world.worker_a)
    staff.post(reverse("callback-record", args=[callback.pk]), {"outcome": "satisfied"})
    callback.refresh_from_db()
    assert callback.done_by == world.worker_a
    assert [e.kind for e in w.events.all()] == [
        EventKind.SUBMITTED,
        EventKind.ROUTED,
        EventKind.ACCEPTED,
        EventKind.DISPATCHED,
        EventKind.SIGNED,
        EventKind.RESOLVED,
        EventKind.RATED,
        EventKind.CLOSED,
        EventKind.CALLED_BACK,
    ]


def test_a_failed_report_says_to_attach_the_photos_again(client, world):
    response = client.post(REPORT, {**form_data(world, reporter_mobile="123"), "photos": [photo()]})
    assert response.status_code == 400 and response.context["photos_dropped"]


def test_the_not_found_page_is_the_portals_own(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "红格" in response.content.decode()


@pytest.mark.usefixtures("frozen_clock")
def test_behind_a_load_balancer_the_limit_counts_each_resident(client, world, settings):
    settings.PROXY_COUNT = 1
    settings.PUBLIC_FORM_RATE_PER_IP = "1/h"
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    client.post(
        REPORT,
        form_data(world, reporter_mobile="13800000001"),
        HTTP_X_FORWARDED_FOR="1.2.3.4",
        **balancer,
    )
    assert (
        client.post(
            REPORT,
            form_data(world, reporter_mobile="13800000002"),
            HTTP_X_FORWARDED_FOR="5.6.7.8",
            **balancer,
        ).status_code
        == 302
    )
    # A forged left-most address does not escape the limit.
    assert (
        client.post(
            REPORT,
            form_data(world, reporter_mobile="13800000003"),
            HTTP_X_FORWARDED_FOR="9.9.9.9, 5.6.7.8",
            **balancer,
        ).status_code
        == 429
    )


@pytest.mark.usefixtures("frozen_clock")
def test_junk_posts_with_a_residents_number_do_not_lock_them_out(client, world, settings):
    settings.PUBLIC_FORM_RATE_PER_MOBILE = "1/h"
    for _ in range(3):
        client.post(REPORT, form_data(world, description=""), REMOTE_ADDR="10.9.9.9")
    assert client.post(REPORT, form_data(world)).status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/report/?community=²",
        "/report/buildings/?community=²",
        "/wishes/?community=٣",
        "/api/nodes/?parent=²",
    ],
)
def test_odd_digits_in_the_query_never_500(client, world, url):
    client.force_login(world.cadre_a)
    assert client.get(url).status_code == 200


@pytest.mark.usefixtures("frozen_clock")
def test_over_the_limit_the_form_comes_back_with_what_the_resident_wrote(client, world, settings):
    settings.PUBLIC_FORM_RATE_PER_MOBILE = "1/h"
    client.post(REPORT, form_data(world))
    again = client.post(REPORT, form_data(world, description="电梯又坏了，老人下不了楼。"))
    assert again.status_code == 429 and int(again["Retry-After"]) > 0
    assert "电梯又坏了，老人下不了楼。" in again.content.decode()
    assert again.context["form"]["description"].value() == "电梯又坏了，老人下不了楼。"
