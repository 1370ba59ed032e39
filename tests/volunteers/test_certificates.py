"""Certificates: Alice's honour certificate for her stars and her proof of service, as PDFs
only she and the cadres of her community may open."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from tests.volunteers.conftest import T0, make_activity, volunteer
from volunteers import hours
from volunteers.models import HoursKind, ServiceHours, StarAward, StarRound


def pdf_text(response):
    assert response["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(io.BytesIO(response.content))
    return "".join(page.get_textpage().get_text_range() for page in document)


def approved(activity, user, amount, actor):
    entry = ServiceHours.objects.create(
        volunteer=user.volunteer, activity=activity, kind=HoursKind.CREDIT, hours=Decimal(amount)
    )
    return hours.approve(entry=entry, actor=actor)


def star_award(user, *, confirmed=True):
    star_round = StarRound.objects.create(
        rating_date=date(2026, 6, 30),
        notice_ends_on=date(2026, 7, 7),
        confirmed_at=timezone.now() if confirmed else None,
    )
    return StarAward.objects.create(
        round=star_round,
        volunteer=user.volunteer,
        stars=2,
        hours=Decimal("312.5"),
        confirmed_at=star_round.confirmed_at,
    )


@pytest.fixture
def alice(service):
    user = service.alice
    user.mobile = "13812345678"
    user.save(update_fields=["mobile"])
    return user


def test_the_star_certificate_names_the_volunteer_her_stars_and_the_street(
    client_for, alice, cadre_a
):
    award = star_award(alice)
    response = client_for(alice).get(reverse("volunteer-star-certificate", args=[award.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="star-certificate-{award.pk}.pdf"'
    text = pdf_text(response)
    assert "王爱丽" in text and "312.5" in text and "红星街道党工委" in text
    assert "★★☆☆☆" in text
    assert "2026年6月30日" in text  # the rating date


def test_the_star_certificate_is_for_the_volunteer_and_her_community_only(
    client_for, service, alice, cadre_a, cadre_b
):
    url = reverse("volunteer-star-certificate", args=[star_award(alice).pk])
    assert client_for(cadre_b).get(url).status_code == 404
    assert client_for(service.bob).get(url).status_code == 404
    assert client_for(cadre_a).get(url).status_code == 200
    assert client_for(alice).get(url).status_code == 200


def test_a_star_still_under_public_notice_has_no_certificate(client_for, alice):
    award = star_award(alice, confirmed=False)
    url = reverse("volunteer-star-certificate", args=[award.pk])
    assert client_for(alice).get(url).status_code == 404


def test_the_proof_of_service_shows_the_approved_hours_by_month_and_activity(
    client_for, service, alice, cadre_a
):
    approved(service.activity, alice, "2.5", cadre_a)
    june = make_activity(service.team, starts_at=T0 + timedelta(days=40), title="社区义诊")
    approved(june, alice, "3", cadre_a)
    ServiceHours.objects.create(  # waiting for approval: not counted
        volunteer=alice.volunteer, activity=june, kind=HoursKind.HONOUR, hours=Decimal("1")
    )
    url = reverse("volunteer-service-proof", args=[alice.volunteer.pk])

    response = client_for(cadre_a).get(url)
    assert response["Content-Disposition"] == (
        f'inline; filename="service-proof-{alice.volunteer.pk}.pdf"'
    )
    text = pdf_text(response)
    assert "王爱丽" in text and "138****5678" in text and "13812345678" not in text
    assert "红旗社区党委" in text
    assert "5.5" in text and "6.5" not in text  # the total, without the pending hour
    assert "助老清洁" in text and "社区义诊" in text and "守望彩虹·助老服务队" in text
    assert "2026年5月" in text and "2026年6月" in text

    # June only: the May activity drops out of the table.
    text = pdf_text(client_for(alice).get(url, {"from": "2026-06-01", "to": "2026-06-30"}))
    assert "社区义诊" in text and "助老清洁" not in text


def test_a_long_record_runs_over_several_pages(client_for, service, alice, cadre_a):
    for day in range(60):
        activity = make_activity(service.team, starts_at=T0 + timedelta(days=day + 1))
        approved(activity, alice, "1", cadre_a)
    response = client_for(alice).get(reverse("volunteer-service-proof", args=[alice.volunteer.pk]))
    document = pypdfium2.PdfDocument(io.BytesIO(response.content))
    assert len(document) > 1
    second_page = document[1].get_textpage().get_text_range()
    assert gettext("Activity") in second_page  # the table's header repeats
    assert "2026-07-10" in pdf_text(response)  # the last day is there


def test_the_proof_is_for_the_volunteer_and_her_community_only(
    client_for, service, alice, cadre_a, cadre_b
):
    url = reverse("volunteer-service-proof", args=[alice.volunteer.pk])
    assert client_for(cadre_b).get(url).status_code == 404
    assert client_for(service.bob).get(url).status_code == 404
    assert client_for(cadre_a).get(url).status_code == 200
    assert client_for(alice).get(url).status_code == 200
    assert client_for(cadre_b).get(url, {"from": "nonsense"}).status_code == 404


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"from": "2026-13-01"}, "2026-13-01"),
        ({"to": "2026-02-30"}, "2026-02-30"),
        ({"to": "last week"}, "last week"),
        (
            {"from": "2026-06-30", "to": "2026-06-01"},
            gettext_lazy("The start of the period must not be after its end."),
        ),
    ],
)
def test_a_bad_period_is_a_clear_400(client_for, alice, query, says):
    url = reverse("volunteer-service-proof", args=[alice.volunteer.pk])
    response = client_for(alice).get(url, query)
    assert response.status_code == 400
    assert str(says) in response.content.decode()


@pytest.mark.parametrize("n", [1, 8])
def test_the_proof_query_count_does_not_grow_with_hours(
    client_for, django_assert_max_num_queries, service, alice, cadre_a, n
):
    for day in range(n):
        activity = make_activity(service.team, starts_at=T0 + timedelta(days=day + 1))
        approved(activity, alice, "1", cadre_a)
    other = volunteer("carol", service.team.node, full_name="孙卡罗")
    approved(service.activity, other, "2", cadre_a)
    client = client_for(cadre_a)
    # Session, user, the profile with its total, permissions, the node, two sums, the record.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("volunteer-service-proof", args=[alice.volunteer.pk]))
    assert response.status_code == 200
    url = reverse("volunteer-star-certificate", args=[star_award(alice).pk])
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
