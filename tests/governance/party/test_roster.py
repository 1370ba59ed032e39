"""The party member roster page and its export: the user's area only, names and mobiles by
the one masking rule, filters, a name search only for those who see names, flat queries."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from governance.party import roster_import
from governance.party.models import MemberKind, MemberStatus, PartyMember
from tests.factories import UserFactory, cadre

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(small_tree):
    a, b = small_tree.community_a, small_tree.community_b
    return [
        PartyMember.objects.create(node=a, name="欧阳娜娜", mobile="13912345678"),
        PartyMember.objects.create(
            node=small_tree.grid_a,
            name="张伟",
            mobile="13912340000",
            kind=MemberKind.PROBATIONARY,
            status=MemberStatus.EMPLOYED,
            workplace="区税务局机关党支部",
        ),
        PartyMember.objects.create(node=b, name="王芳", mobile="13700001111"),
    ]


def page_text(client, **params):
    response = client.get(reverse("party-roster"), params)
    assert response.status_code == 200
    return response, response.content.decode()


def test_a_community_cadre_sees_its_members_in_full_and_no_other_communitys(
    client_for, cadre_a, members
):
    response, text = page_text(client_for(cadre_a))
    assert "欧阳娜娜" in text and "13912345678" in text and "区税务局机关党支部" in text
    assert "王芳" not in text and "王某" not in text and "13700001111" not in text
    assert response.context["counts"]["total"] == 2
    assert response.context["may_search"]


def test_the_street_cadre_reads_every_community_masked_and_may_not_search_names(
    client_for, street_cadre, members
):
    response, text = page_text(client_for(street_cadre), name="欧阳")
    assert "欧阳某" in text and "139****5678" in text and "王某" in text
    for full in ("欧阳娜娜", "13912345678", "王芳", "13700001111"):
        assert full not in text
    # The name search would tell who is on the roster: ignored for a masked viewer.
    assert len(response.context["rows"]) == 3 and not response.context["may_search"]


def test_a_grid_worker_reads_only_its_grid(client_for, small_tree, members):
    _, text = page_text(client_for(cadre(small_tree.grid_a)))
    assert "张伟" in text and "欧阳" not in text and "王" not in text


def test_filters_and_the_name_search(client_for, cadre_a, members):
    client = client_for(cadre_a)
    response, _ = page_text(client, kind=MemberKind.PROBATIONARY)
    assert [row.name for row in response.context["rows"]] == ["张伟"]
    response, _ = page_text(client, status=MemberStatus.RETIRED)
    assert [row.name for row in response.context["rows"]] == ["欧阳娜娜"]
    response, _ = page_text(client, name="娜")
    assert [row.name for row in response.context["rows"]] == ["欧阳娜娜"]
    response, _ = page_text(client, kind="nonsense", status="<b>")
    assert len(response.context["rows"]) == 2  # unknown values filter nothing, never a 500


def test_others_are_refused(client, members, small_tree):
    assert client.get(reverse("party-roster")).status_code == 302  # to the login page
    client.force_login(UserFactory(node=small_tree.community_a))  # a volunteer
    for name in ("party-roster", "party-roster-export"):
        response = client.get(reverse(name))
        assert response.status_code == 403 and "欧阳" not in response.content.decode()


def test_the_page_makes_the_same_queries_for_many_members(
    client_for, cadre_a, members, small_tree, django_assert_max_num_queries
):
    client = client_for(cadre_a)
    page_text(client)  # warm the session and the user's scope
    PartyMember.objects.bulk_create(
        PartyMember(node=small_tree.grid_a, name=f"党员{i}", mobile=f"1360000{i:04d}")
        for i in range(120)
    )
    # The page, its count, the counts by kind and status, this year's services (the cadre's
    # entries, each app's records, the street's requirement): none of them per row.
    with django_assert_max_num_queries(13):
        response, text = page_text(client, page=2)
    assert len(response.context["rows"]) == 50 and "page=3" in text


def test_the_export_is_the_import_s_columns_masked_as_on_the_page(
    client_for, street_cadre, cadre_a, members
):
    sheet = load_workbook(
        BytesIO(client_for(street_cadre).get(reverse("party-roster-export")).content)
    ).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == [column.title() for column in roster_import.COLUMNS]
    assert len(values) == 4
    flat = {str(v) for row in values for v in row}
    assert "欧阳某" in flat and "139****5678" in flat and "欧阳娜娜" not in flat
    own = load_workbook(
        BytesIO(client_for(cadre_a).get(reverse("party-roster-export")).content)
    ).active
    flat = {str(cell.value) for row in own.iter_rows() for cell in row}
    assert "欧阳娜娜" in flat and "13912345678" in flat and "王芳" not in flat
