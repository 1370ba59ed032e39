"""The star rating pages: running the job by hand (who may, and that it proposes once and
confirms after the notice), the rounds list within the cadre's area, and the public notice."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tests.volunteers.conftest import SHANGHAI, volunteer
from volunteers.models import (
    HoursKind,
    HoursStatus,
    ServiceHours,
    StarAward,
    StarRound,
    VolunteerProfile,
)

ROUNDS = reverse("volunteer-star-rounds")


def at(month, day, hour=10):
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def rated(service, settings):
    """Alice has 4 approved hours (2 stars at 1/3/6/10/15), bob 1 (1 star), the leader none."""
    settings.VOLUNTEER_STAR_HOURS = [1, 3, 6, 10, 15]
    for user, amount in ((service.alice, "4"), (service.bob, "1")):
        ServiceHours.objects.create(
            volunteer=user.volunteer,
            activity=service.activity,
            kind=HoursKind.CREDIT,
            hours=Decimal(amount),
            status=HoursStatus.APPROVED,
        )
    return service


def run_job(client):
    response = client.post(ROUNDS, follow=True)
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def job_message(proposed, confirmed):
    with translation.override("zh-hans"):
        return _("The star job proposed %(proposed)d awards and confirmed %(confirmed)d.") % {
            "proposed": proposed,
            "confirmed": confirmed,
        }


def waiting_message(rating_date, notice_ends):
    with translation.override("zh-hans"):
        status = _("In public notice until %(date)s") % {"date": notice_ends}
        return _("Nothing new: the round of %(date)s is proposed already (%(status)s).") % {
            "date": rating_date,
            "status": status,
        }


def stars_of(service):
    return {
        user.username: VolunteerProfile.objects.get(user=user).stars
        for user in (service.alice, service.bob, service.leader)
    }


def test_the_job_proposes_on_a_rating_date_once_and_confirms_after_the_notice(
    client_for, street_cadre, cadre_a, rated
):
    client = client_for(street_cadre)
    with time_machine.travel(at(6, 30), tick=False):  # a Tuesday, a rating date
        assert run_job(client) == [job_message(2, 0)]
        # Again: nothing new, and the page says which round waits and until when.
        assert run_job(client) == [waiting_message("2026-06-30", "2026-07-07")]
    star_round = StarRound.objects.get()
    assert star_round.rating_date == date(2026, 6, 30)
    assert star_round.notice_ends_on == date(2026, 7, 7)  # five working days
    awards = {a.volunteer.user.username: a.stars for a in StarAward.objects.all()}
    assert awards == {"alice": 2, "bob": 1}
    assert stars_of(rated) == {"alice": 0, "bob": 0, "leader": 0}

    with time_machine.travel(at(7, 7, 18), tick=False):  # last day of the notice
        assert run_job(client) == [waiting_message("2026-06-30", "2026-07-07")]
    with time_machine.travel(at(7, 8, 9), tick=False):
        assert run_job(client) == [job_message(0, 2)]
        page = client.get(ROUNDS)
    assert stars_of(rated) == {"alice": 2, "bob": 1, "leader": 0}
    community_page = client_for(cadre_a).get(ROUNDS).content.decode()
    for award in StarAward.objects.all():
        assert award.confirmed_at is not None
        certificate = reverse("volunteer-star-certificate", args=[award.pk])
        # Certificates carry the full name: the community issues them, the street does not.
        assert certificate in community_page and certificate not in page.content.decode()


def test_only_the_street_may_run_the_job(client_for, cadre_a, street_cadre, rated):
    client = client_for(cadre_a)
    page = client.get(ROUNDS)
    assert page.status_code == 200 and page.context["may_run"] is False
    assert client.post(ROUNDS).status_code == 403
    assert not StarRound.objects.exists()

    client = client_for(street_cadre)
    assert client.get(ROUNDS).context["may_run"] is True
    assert client.post(ROUNDS).status_code == 302
    assert StarRound.objects.exists()


def test_volunteers_and_strangers_do_not_see_the_rounds(client, client_for, rated):
    assert client.get(ROUNDS).status_code == 302  # to the login page
    volunteer_client = client_for(rated.alice)
    assert volunteer_client.get(ROUNDS).status_code == 403
    assert volunteer_client.post(ROUNDS).status_code == 403
    assert not StarRound.objects.exists()


def award_round(profiles, confirmed=False):
    star_round = StarRound.objects.create(
        rating_date=date(2026, 6, 30),
        notice_ends_on=date(2026, 7, 7),
        confirmed_at=at(7, 8) if confirmed else None,
    )
    StarAward.objects.bulk_create(
        StarAward(round=star_round, volunteer=p, stars=1, hours=Decimal("1.5")) for p in profiles
    )
    return star_round


def test_cadres_see_only_their_areas_awards(client_for, cadre_a, cadre_b, street_cadre, service):
    award_round([service.alice.volunteer, service.bob.volunteer], confirmed=True)

    other = client_for(cadre_b).get(ROUNDS)
    (star_round,) = other.context["rounds"]
    assert star_round.visible_awards == []
    assert "王" not in other.content.decode() and "赵" not in other.content.decode()

    own = client_for(cadre_a).get(ROUNDS).content.decode()
    assert "王爱丽" in own and "赵小波" in own
    street = client_for(street_cadre).get(ROUNDS).content.decode()
    assert "王某" in street and "王爱丽" not in street


@pytest.mark.parametrize("n", [1, 8])
def test_the_rounds_page_query_count_is_flat(
    client_for, cadre_a, small_tree, n, django_assert_max_num_queries
):
    people = [
        volunteer(f"v{i}", small_tree.community_a, full_name=f"钱{i}").volunteer for i in range(n)
    ]
    award_round(people, confirmed=True)
    client = client_for(cadre_a)
    with django_assert_max_num_queries(8):
        response = client.get(ROUNDS)
    assert len(response.context["rounds"][0].visible_awards) == n


def test_the_public_notice_masks_names_and_shows_no_mobiles(client, rated):
    star_round = award_round([rated.alice.volunteer, rated.bob.volunteer])
    response = client.get(reverse("volunteer-star-notice", args=[star_round.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "王某" in content and "赵某" in content and "红旗社区党委" in content
    assert "2026-07-07" in content
    for user in (rated.alice, rated.bob):
        assert user.full_name not in content
        assert user.mobile not in content and user.mobile[-4:] not in content


def test_an_unknown_round_is_404(client, db):
    assert client.get(reverse("volunteer-star-notice", args=[999])).status_code == 404


@pytest.mark.parametrize("n", [1, 8])
def test_the_notice_query_count_is_flat(client, small_tree, n, django_assert_max_num_queries):
    people = [
        volunteer(f"v{i}", small_tree.community_a, full_name=f"钱{i}").volunteer for i in range(n)
    ]
    star_round = award_round(people)
    with django_assert_max_num_queries(2):
        response = client.get(reverse("volunteer-star-notice", args=[star_round.pk]))
    assert len(response.context["rows"]) == n
