"""The rows an import left out, downloaded as a workbook with the reason for each, as the
cadre typed them, for that cadre only (#17 staff tools)."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from governance.models import PersonalDataExport, Role
from grids import importing
from grids.models import Resident
from tests.factories import UserFactory, cadre
from tests.grids.test_import import BAD, GOOD, HEADERS, preview, xlsx

pytestmark = pytest.mark.django_db
LEFT_OUT = reverse("grids-import-rejected")


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"  # headers and reasons as written in the code
    with translation.override("en"):
        yield


def _sheet(response):
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_the_preview_offers_the_rows_left_out_with_their_reasons(english, client_for, cadre_a):
    client = client_for(cadre_a)
    page = preview(client, xlsx(GOOD + BAD))
    assert LEFT_OUT in page.content.decode()
    header, *rows = _sheet(client.get(LEFT_OUT))
    assert header == ["Row in the file", "Why it was left out", *HEADERS]
    assert [row[0] for row in rows] == [5, 6, 7, 8, 9, 10]
    # As typed: the other community's resident and the wrong mobile are not masked.
    assert rows[0][2:7] == ["HX-02-01-01", "1", "101", "2", "王芳"]
    assert rows[0][1] == "building code: This building is not in your area."
    assert rows[1][7] == "12345" and rows[1][1].startswith("mobile: Enter a mainland mobile")
    assert rows[5][1] == "resident name: The same resident as row 3."
    assert PersonalDataExport.objects.filter(user=cadre_a, path=LEFT_OUT).exists()
    assert not Resident.objects.exists()  # a preview still saves nothing


def test_the_workbook_mended_imports_again(english, client_for, cadre_a, small_tree):
    client = client_for(cadre_a)
    preview(client, xlsx(BAD[1:3]))
    header, *rows = _sheet(client.get(LEFT_OUT))
    rows[0][7], rows[1][8] = "13912340002", 1961  # mobile, birth year
    upload = xlsx(rows, headers=header)
    outcome = importing.apply(importing.parse_workbook(upload), user=cadre_a)
    assert (outcome.created, outcome.errors) == (2, [])


def test_after_the_import_the_rows_left_out_stay_downloadable(english, client_for, cadre_a):
    client = client_for(cadre_a)
    token = preview(client, xlsx(GOOD + BAD[:2])).context["token"]
    page = client.post(reverse("grids-import"), {"confirm": token}, follow=True)
    assert LEFT_OUT in page.content.decode() and Resident.objects.count() == 3
    assert [row[0] for row in _sheet(client.get(LEFT_OUT))[1:]] == [5, 6]
    # A clean file next forgets them.
    preview(client, xlsx(GOOD))
    assert client.get(LEFT_OUT).status_code == 404


def test_the_rows_are_the_importing_cadre_s_only(client_for, cadre_a, cadre_b, street_cadre):
    preview(client_for(cadre_a), xlsx(GOOD + BAD))
    assert client_for(cadre_a).get(LEFT_OUT).status_code == 200
    # Another community's cadre, and a colleague of the same community, get nothing.
    colleague = cadre(cadre_a.node, "cadre_a2")
    for other in (cadre_b, colleague):
        assert client_for(other).get(LEFT_OUT).status_code == 404
    # Those who may not import at all are refused.
    volunteer = UserFactory(username="vol", role=Role.VOLUNTEER, node=cadre_a.node)
    for other in (street_cadre, volunteer):
        assert client_for(other).get(LEFT_OUT).status_code == 403


def test_the_download_costs_the_same_queries_for_many_rows(
    client_for, cadre_a, django_assert_max_num_queries
):
    client = client_for(cadre_a)
    bad = [["HX-01-01-01", "1", f"{i}01", 1, f"赵{i}", "12345", "", "", "", ""] for i in range(300)]
    preview(client, xlsx(bad))
    with django_assert_max_num_queries(8):
        assert len(_sheet(client.get(LEFT_OUT))) == 301
