"""Duplicates: the report form shows open whistles of the same kind in the same building
(已有人反映) with no personal data and lets the resident add their voice (附议) — once per
mobile, rate-limited, with a honeypot — and a cadre merges a duplicate into the whistle that
carries on, its resident and supporters following it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from governance.workflow import TransitionError
from services.whistles import dispatch, duplicates
from services.whistles.forms import support_token
from services.whistles.models import EventKind, Status, Supporter, Whistle
from tests.services.whistles.test_public_pages import form_data

pytestmark = pytest.mark.django_db
REPORT = reverse("whistle-report")
SUPPORT = reverse("whistle-support")


def new_report(world, **overrides):
    data = form_data(world, building=world.tree.buildings_a[0].pk, **overrides)
    data.pop("as_new")
    return data


def test_the_form_shows_open_reports_of_the_same_kind_in_the_building(client, world):
    earlier = world.submit()  # 张建国, 13912345678, buildings_a[0]
    world.submit(category=world.danger)  # another kind: not shown
    response = client.post(REPORT, new_report(world))
    assert response.status_code == 200
    assert Whistle.objects.count() == 2  # nothing filed yet
    html = response.content.decode()
    assert [w for w, _token in response.context["similar"]] == [earlier]
    assert str(world.general) in html and earlier.created_at.strftime("%Y-%m-%d") in html
    for private in ("张建国", "13912345678", earlier.tracking_code, earlier.description):
        assert private not in html


def test_the_page_of_similar_reports_counts_against_the_reports_limit(client, world, settings):
    world.submit()
    settings.PUBLIC_FORM_RATE_PER_IP = "1/h"
    assert client.post(REPORT, new_report(world)).status_code == 200
    limited = client.post(REPORT, new_report(world, description="楼道灯又坏了"))
    assert limited.status_code == 429 and "楼道灯又坏了" in limited.content.decode()


def test_another_building_or_a_closed_report_is_not_shown(client, world):
    w = world.submit(building=world.tree.buildings_a[1])
    response = client.post(REPORT, new_report(world))
    assert response.status_code == 302  # filed: nothing similar
    Whistle.objects.update(building=world.tree.buildings_a[0], status=Status.CLOSED)
    assert Whistle.objects.count() == 2 and w.pk
    assert client.post(REPORT, new_report(world, reporter_mobile="13612340000")).status_code == 302


def test_sending_it_as_new_files_it(client, world):
    world.submit()
    response = client.post(REPORT, {**new_report(world), "as_new": "1"})
    assert response.status_code == 302 and Whistle.objects.count() == 2


def test_a_resident_adds_their_voice_once(client, world):
    w = world.submit()
    token = support_token(w)
    for _ in range(2):
        response = client.post(SUPPORT, {"token": token, "mobile": "13612345678"})
        assert response.status_code == 200
    assert list(w.supporters.values_list("mobile", flat=True)) == ["13612345678"]
    assert response.context["voices"] == 1
    client.post(SUPPORT, {"token": token, "mobile": "13912345678"})  # the reporter: no row
    assert w.supporters.count() == 1


def test_bad_support_posts_save_nothing(client, world, settings):
    w = world.submit()
    token = support_token(w)
    bot = client.post(SUPPORT, {"token": token, "mobile": "13612345678", "website": "x"})
    assert bot.status_code == 200 and not Supporter.objects.exists()
    assert client.post(SUPPORT, {"token": str(w.pk), "mobile": "13612345678"}).status_code == 400
    assert client.post(SUPPORT, {"token": token, "mobile": "123"}).status_code == 400
    assert client.get(SUPPORT).status_code == 405
    Whistle.objects.filter(pk=w.pk).update(status=Status.CLOSED)
    closed = client.post(SUPPORT, {"token": token, "mobile": "13612345678"})
    assert closed.status_code == 409 and not Supporter.objects.exists()
    settings.PUBLIC_FORM_RATE_PER_IP = "1/h"
    open_one = world.submit()
    client.post(SUPPORT, {"token": support_token(open_one), "mobile": "13612340001"})
    limited = client.post(SUPPORT, {"token": support_token(open_one), "mobile": "13612340002"})
    assert limited.status_code == 429 and open_one.supporters.count() == 1


def test_a_cadre_merges_a_duplicate_and_its_people_follow(client_for, world):
    survivor = world.submit()
    duplicate = world.submit(reporter_name="王秀英", reporter_mobile="13612345678")
    duplicates.support_whistle(whistle=duplicate, mobile="13700000001")
    duplicates.support_whistle(whistle=survivor, mobile="13700000001")
    client = client_for(world.cadre_a)
    page = client.get(reverse("whistle-detail", args=[duplicate.pk]))
    assert "merge" in [name for name, _l, _f in page.context["steps"]]
    client.post(
        reverse("whistle-step", args=[duplicate.pk, "merge"]),
        {"into": survivor.tracking_code.lower()},
    )
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.CLOSED, survivor)
    event = duplicate.events.get(kind=EventKind.MERGED)
    assert event.note == survivor.tracking_code and event.public and not event.note_public
    assert survivor.events.filter(kind=EventKind.MERGED_IN, note=duplicate.tracking_code).exists()
    assert sorted(survivor.supporters.values_list("mobile", flat=True)) == [
        "13612345678",
        "13700000001",
    ]
    assert not duplicate.supporters.exists()
    # A voice added to the merged report later lands on the survivor.
    target, added = duplicates.support_whistle(whistle=duplicate, mobile="13700000002")
    assert target == survivor and added


def test_a_voice_follows_merges_to_the_report_that_carries_on(world):
    first, second, last = world.submit(), world.submit(), world.submit()
    duplicates.merge_whistle(whistle=first, actor=world.cadre_a, into=second)
    duplicates.merge_whistle(whistle=second, actor=world.cadre_a, into=last)
    target, added = duplicates.support_whistle(whistle=first, mobile="13700000003")
    assert target == last and added


def test_merging_is_scope_checked(client_for, world):
    mine = world.submit()
    theirs = world.submit(community=world.tree.community_b, building=world.tree.buildings_b[0])
    client = client_for(world.cadre_a)
    client.post(reverse("whistle-step", args=[mine.pk, "merge"]), {"into": theirs.tracking_code})
    mine.refresh_from_db()
    assert mine.status == Status.SUBMITTED and mine.merged_into is None
    response = client_for(world.cadre_b).post(
        reverse("whistle-step", args=[mine.pk, "merge"]), {"into": theirs.tracking_code}
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        duplicates.merge_whistle(whistle=mine, actor=world.cadre_b, into=theirs)
    with pytest.raises(TransitionError):
        duplicates.merge_whistle(whistle=mine, actor=world.cadre_a, into=theirs)
    with pytest.raises(TransitionError):
        duplicates.merge_whistle(whistle=mine, actor=world.cadre_a, into=mine)
    handler_view = dispatch.accept_whistle(whistle=world.submit(), actor=world.cadre_a)
    with pytest.raises(PermissionDenied):
        duplicates.merge_whistle(whistle=handler_view, actor=world.handler, into=mine)
    assert not Whistle.objects.filter(merged_into__isnull=False).exists()


@pytest.mark.parametrize("n", [1, 5])
def test_the_similar_page_query_count_is_flat(client, world, n, django_assert_max_num_queries):
    for _ in range(n):
        world.submit()
    with django_assert_max_num_queries(12):
        assert client.post(REPORT, new_report(world)).status_code == 200


def test_a_report_with_nothing_similar_keeps_its_photos(client, world):
    from services.whistles.models import WhistlePhoto
    from tests.services.images import photo

    response = client.post(REPORT, {**new_report(world), "photos": [photo(), photo("b.png")]})
    assert response.status_code == 302
    assert WhistlePhoto.objects.filter(whistle=Whistle.objects.get()).count() == 2
