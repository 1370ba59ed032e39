"""In-service members reporting to the community they live in, service posts and claims:
once per member, never over a post's capacity (on PostgreSQL, many at once), scoped pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from governance.models import Notification, User
from governance.party import reporting
from governance.party.models import (
    MemberReport,
    MemberStatus,
    PartyMember,
    PostClaim,
    ServiceKind,
    ServicePost,
)
from tests.factories import UserFactory
from tests.threads import together


def member_user(node, name="张伟", **more):
    return UserFactory(node=node, full_name=name, is_party_member=True, **more)


def reported(user, community, **more):
    defaults = {"workplace": "区税务局机关党支部", "skills": "法律", "preferred_kinds": []}
    return reporting.report(user, community, **{**defaults, **more})


@pytest.fixture
def post(small_tree):
    return ServicePost.objects.create(
        community=small_tree.community_a, kind=ServiceKind.LEGAL, title="法律咨询", needed=2
    )


@pytest.mark.django_db
def test_a_member_reports_once_and_is_put_on_the_roster_as_in_service(small_tree):
    user = member_user(small_tree.community_a)
    first = reported(user, small_tree.community_a, preferred_kinds=[ServiceKind.LEGAL])
    member = PartyMember.objects.get(user=user)
    assert (member.node, member.status, member.workplace) == (
        small_tree.community_a,
        MemberStatus.EMPLOYED,
        "区税务局机关党支部",
    )
    assert first.preferred_labels() == [ServiceKind.LEGAL.label]
    with pytest.raises(ValidationError, match="已向红旗|already reported"):
        reported(user, small_tree.community_b)
    assert MemberReport.objects.count() == 1


@pytest.mark.django_db
def test_a_roster_row_with_the_same_name_and_mobile_is_linked_not_doubled(small_tree):
    on_roster = PartyMember.objects.create(
        node=small_tree.grid_a, name="张伟", mobile="13912340000"
    )
    user = member_user(small_tree.community_a, mobile="13912340000")
    reported(user, small_tree.community_a)
    on_roster.refresh_from_db()
    assert on_roster.user == user and PartyMember.objects.count() == 1


@pytest.mark.django_db
def test_who_is_no_party_member_or_reports_to_no_community_is_refused(small_tree):
    with pytest.raises(ValidationError):
        reported(UserFactory(node=small_tree.community_a), small_tree.community_a)
    with pytest.raises(ValidationError):
        reported(member_user(small_tree.community_a), small_tree.grid_a)
    assert not MemberReport.objects.exists() and not PartyMember.objects.exists()


@pytest.mark.django_db
def test_claims_need_a_report_to_the_posts_community_and_stop_at_capacity(small_tree, post):
    stranger = member_user(small_tree.community_b, "王芳")
    reported(stranger, small_tree.community_b)
    with pytest.raises(ValidationError, match="红旗"):
        reporting.claim(stranger, post.pk)
    people = [member_user(small_tree.community_a, f"党员{i}") for i in range(3)]
    for person in people:
        reported(person, small_tree.community_a)
    reporting.claim(people[0], post.pk)
    with pytest.raises(ValidationError):
        reporting.claim(people[0], post.pk)  # already held
    reporting.claim(people[1], post.pk)
    with pytest.raises(ValidationError):
        reporting.claim(people[2], post.pk)  # full
    post.open = False
    post.save()
    assert PostClaim.objects.filter(post=post).count() == 2


@pytest.mark.django_db
def test_the_community_confirms_and_the_member_is_told(small_tree, post, cadre_a, cadre_b):
    user = member_user(small_tree.community_a)
    member_report = reported(user, small_tree.community_a)
    with pytest.raises(PermissionDenied):
        reporting.confirm_report(cadre_b, member_report)
    reporting.confirm_report(cadre_a, member_report)
    reporting.confirm_report(cadre_a, member_report)  # twice: told once
    assert Notification.objects.filter(recipient=user).count() == 1
    claim = reporting.claim(user, post.pk)
    reporting.confirm_claim(cadre_a, claim)
    assert PostClaim.objects.get().confirmed_by == cadre_a


@pytest.mark.django_db
def test_the_member_pages_walk_from_poster_to_post(client_for, small_tree, post, cadre_a):
    poster = client_for(cadre_a).get(
        reverse("party-report-poster", args=[small_tree.community_a.pk])
    )
    assert poster.status_code == 200 and b"<svg" in poster.content
    user = member_user(small_tree.community_a)
    client = client_for(user)
    page = client.get(reverse("party-member-report", args=[small_tree.community_a.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("party-member-report", args=[small_tree.community_a.pk]),
        {"workplace": "区税务局", "skills": "", "preferred_kinds": [ServiceKind.LEGAL]},
    )
    assert response.status_code == 302 and MemberReport.objects.filter(member__user=user).exists()
    posts = client.get(reverse("party-posts"))
    assert [(p.title, p.taken, p.full, p.mine) for p in posts.context["posts"]] == [
        ("法律咨询", 0, False, False)
    ]
    assert "法律咨询" in posts.content.decode()
    client.post(reverse("party-post-claim", args=[post.pk]))
    assert PostClaim.objects.filter(post=post, member__user=user).exists()
    # A bad id or kind of node is a 404, never a 500.
    assert (
        client.get(reverse("party-member-report", args=[small_tree.grid_a.pk])).status_code == 404
    )
    assert client.post(reverse("party-post-claim", args=[99999])).status_code == 404


@pytest.mark.django_db
def test_the_manage_page_shows_the_area_only_and_masks_for_the_street(
    client_for, small_tree, post, cadre_a, cadre_b, street_cadre
):
    user = member_user(small_tree.community_a, "欧阳娜娜")
    reported(user, small_tree.community_a)
    reporting.claim(user, post.pk)
    claims = client_for(cadre_a).get(reverse("party-posts-manage")).context["claims"]
    assert [(c.who, c.what) for c in claims] == [("欧阳娜娜", "法律咨询")]
    other = client_for(cadre_b).get(reverse("party-posts-manage"))
    assert other.context["posts"] == [] and other.context["claims"] == []
    assert other.context["reports"] == [] and "欧阳娜娜" not in other.content.decode()
    street = client_for(street_cadre).get(reverse("party-posts-manage")).content.decode()
    assert "欧阳某" in street and "欧阳娜娜" not in street and "法律咨询" in street
    # Reading is not keeping: the street publishes and confirms nothing.
    assert client_for(street_cadre).post(reverse("party-posts-manage"), {}).status_code == 403
    report_pk = MemberReport.objects.get().pk
    confirm = reverse("party-report-confirm", args=[report_pk])
    assert client_for(street_cadre).post(confirm).status_code == 403
    assert client_for(cadre_b).post(confirm).status_code == 404


@pytest.mark.django_db
def test_a_community_cadre_publishes_a_post_and_bad_input_saves_nothing(
    client_for, small_tree, cadre_a
):
    client = client_for(cadre_a)
    url = reverse("party-posts-manage")
    bad = client.post(url, {"community": small_tree.community_a.pk, "kind": "x", "needed": 0})
    assert bad.status_code == 200 and not ServicePost.objects.exists()
    outside = client.post(
        url,
        {
            "community": small_tree.community_b.pk,
            "kind": ServiceKind.HEALTH,
            "title": "义诊",
            "needed": 3,
        },
    )
    assert outside.status_code == 200 and not ServicePost.objects.exists()
    client.post(
        url,
        {
            "community": small_tree.community_a.pk,
            "kind": ServiceKind.HEALTH,
            "title": "义诊",
            "needed": 3,
        },
    )
    assert ServicePost.objects.get().title == "义诊"


@pytest.mark.django_db
def test_the_manage_page_makes_the_same_queries_for_many_rows(
    client_for, small_tree, cadre_a, django_assert_max_num_queries
):
    client = client_for(cadre_a)
    client.get(reverse("party-posts-manage"))
    for i in range(12):
        post = ServicePost.objects.create(
            community=small_tree.community_a, kind=ServiceKind.OTHER, title=f"岗{i}", needed=2
        )
        person = member_user(small_tree.community_a, f"党员{i}")
        reported(person, small_tree.community_a)
        reporting.claim(person, post.pk)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("party-posts-manage")).status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_members_claiming_three_places_at_once_fill_exactly_three(
    requires_postgres, small_tree
):
    post = ServicePost.objects.create(
        community=small_tree.community_a, kind=ServiceKind.SAFETY, title="夜间巡逻", needed=3
    )
    people = [member_user(small_tree.community_a, f"党员{i}") for i in range(10)]
    for person in people:
        reported(person, small_tree.community_a)
    outcomes = together(
        [
            (lambda pk=person.pk: reporting.claim(User.objects.get(pk=pk), post.pk))
            for person in people
        ]
    )
    assert sum(isinstance(o, PostClaim) for o in outcomes) == 3
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 7
    assert PostClaim.objects.filter(post=post).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_member_reporting_from_two_phones_at_once_reports_once(requires_postgres, small_tree):
    user = member_user(small_tree.community_a)
    outcomes = together(
        [
            lambda: reported(User.objects.get(pk=user.pk), small_tree.community_a),
            lambda: reported(User.objects.get(pk=user.pk), small_tree.community_b),
        ]
    )
    assert sum(isinstance(o, MemberReport) for o in outcomes) == 1
    assert MemberReport.objects.count() == 1 and PartyMember.objects.count() == 1
