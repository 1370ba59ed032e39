"""#17.15: approval keeps a claim to the community or the street, as the README says; a
moderator edits the text before it goes on the wall, the resident's words kept for staff."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from services.wishes import steps as wishes
from services.wishes.models import WishEventKind, WishStatus
from tests.factories import NodeFactory, UserFactory
from tests.services.wishes.conftest import post

pytestmark = pytest.mark.django_db
NAMED = "李奶奶想要一台收音机，住3号楼201。"
EDITED = "一位老人想要一台收音机。"


def steps_on(page):
    return {name: form for name, _label, form in page.context["steps"]}


def test_the_approve_form_offers_the_community_and_the_street(client_for, world):
    wish = post(world)
    page = client_for(world.cadre_a).get(reverse("wish-manage-detail", args=[wish.pk]))
    approve = steps_on(page)["approve"]
    assert list(approve.fields["claim_within"].queryset) == [
        world.tree.street,
        world.tree.community_a,
    ]
    labels = [label for _value, label in approve.fields["claim_within"].choices]
    assert len(labels) == 3 and world.tree.street.place in labels  # and "anyone" first


def test_a_claim_kept_to_the_street_admits_its_other_communities(client_for, world, neighbour):
    wish = post(world)
    client_for(world.cadre_a).post(
        reverse("wish-manage-step", args=[wish.pk, "approve"]),
        {"claim_within": world.tree.street.pk},
    )
    wish.refresh_from_db()
    assert wish.status == WishStatus.APPROVED and wish.claim_within == world.tree.street
    outsider = UserFactory(username="far", node=NodeFactory(parent=NodeFactory()))
    assert wishes.claim_refusal(outsider, wish) is not None  # another street's volunteer
    wishes.claim_wish(wish=wish, actor=neighbour)  # 幸福社区, the same street
    wish.refresh_from_db()
    assert wish.claimer == neighbour


def test_a_claim_cannot_be_kept_to_any_other_place(client_for, world):
    wish = post(world)
    response = client_for(world.cadre_a).post(
        reverse("wish-manage-step", args=[wish.pk, "approve"]),
        {"claim_within": world.tree.grid_a.pk},
        follow=True,
    )
    assert any(m.level_tag == "error" for m in response.context["messages"])
    with pytest.raises(wishes.TransitionError):
        wishes.approve_wish(wish=wish, actor=world.cadre_a, claim_within=world.tree.community_b)
    wish.refresh_from_db()
    assert wish.status == WishStatus.POSTED and wish.claim_within is None


def resident_for(wish):
    client = Client()
    session = client.session
    session["known_codes"] = [wish.tracking_code]
    session.save()
    return client


def test_a_moderator_edits_the_text_before_the_wall_and_the_original_stays_with_staff(
    client, client_for, world
):
    wish = post(world, text=NAMED)
    staff = client_for(world.cadre_a)
    detail = reverse("wish-manage-detail", args=[wish.pk])
    assert steps_on(staff.get(detail))["edit"].fields["text"].initial == NAMED
    staff.post(
        reverse("wish-manage-step", args=[wish.pk, "edit"]),
        {"text": EDITED, "note": "去掉姓名和门牌"},
    )
    wish.refresh_from_db()
    assert wish.text == EDITED and wish.original_text == NAMED
    event = wish.events.get(kind=WishEventKind.EDITED)
    assert event.actor == world.cadre_a and event.note == "去掉姓名和门牌"
    assert event.public and not event.note_public
    assert NAMED in staff.get(detail).content.decode()

    wishes.approve_wish(wish=wish, actor=world.cadre_a)
    for page in (
        Client().get("/wishes/"),
        Client().get(reverse("wish-detail", args=[wish.pk])),
        resident_for(wish).get(reverse("wish-status", args=[wish.tracking_code])),
    ):
        text = page.content.decode()
        assert EDITED in text and "李奶奶" not in text and "去掉姓名和门牌" not in text
    # Once on the wall the text is what it is: the edit step is gone.
    assert "edit" not in steps_on(staff.get(detail))


def test_a_second_edit_keeps_the_resident_s_first_words(world):
    wish = post(world, text=NAMED)
    wishes.edit_wish_text(wish=wish, actor=world.cadre_a, text=EDITED)
    wishes.edit_wish_text(wish=wish, actor=world.cadre_a, text="老人想要收音机。")
    wish.refresh_from_db()
    assert wish.original_text == NAMED and wish.text == "老人想要收音机。"
    assert wish.events.filter(kind=WishEventKind.EDITED).count() == 2


@pytest.mark.parametrize("text", ["", "短", "x" * 501, NAMED])
def test_a_bad_or_unchanged_edit_says_why_and_changes_nothing(client_for, world, text):
    wish = post(world, text=NAMED)
    response = client_for(world.cadre_a).post(
        reverse("wish-manage-step", args=[wish.pk, "edit"]), {"text": text}, follow=True
    )
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    wish.refresh_from_db()
    assert wish.text == NAMED and wish.original_text == ""
    assert not wish.events.filter(kind=WishEventKind.EDITED).exists()


def test_only_the_wish_s_own_moderators_edit_or_read_the_original(client_for, world, volunteer):
    wish = post(world, text=NAMED)
    wishes.edit_wish_text(wish=wish, actor=world.cadre_a, text=EDITED)
    step_url = reverse("wish-manage-step", args=[wish.pk, "edit"])
    other = client_for(world.cadre_b)
    assert other.post(step_url, {"text": "别的社区改的心愿"}).status_code == 404
    assert other.get(reverse("wish-manage-detail", args=[wish.pk])).status_code == 404
    assert client_for(volunteer).post(step_url, {"text": "志愿者改的心愿"}).status_code == 404
    with pytest.raises(PermissionDenied):
        wishes.edit_wish_text(wish=wish, actor=world.cadre_b, text="别的社区改的心愿")
    wish.refresh_from_db()
    assert wish.text == EDITED


@pytest.mark.parametrize("edits", [1, 6])
def test_the_review_page_costs_the_same_however_often_edited(
    client_for, world, edits, django_assert_max_num_queries
):
    wish = post(world, text=NAMED)
    for i in range(edits):
        wishes.edit_wish_text(wish=wish, actor=world.cadre_a, text=f"{EDITED}（第{i}次）")
    staff = client_for(world.cadre_a)
    with django_assert_max_num_queries(16):
        page = staff.get(reverse("wish-manage-detail", args=[wish.pk]))
    assert page.status_code == 200 and NAMED in page.content.decode()
