"""Excel import and export of the grid registers: a dry-run preview that reports the bad rows
and saves nothing, a confirm that imports only the good ones, idempotency, scope, masking."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from governance.models import Role
from grids import importing
from grids.models import BuildingProfile, Household, Resident
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADERS = [
    "building code",
    "unit",
    "room",
    "household size",
    "resident name",
    "mobile",
    "birth year",
    "tags",
    "party member",
    "unit head",
]
GOOD = [
    ["HX-01-01-01", "1", 101, 3, "欧阳娜娜", 13912345678, 1950, "独居老人、低保户", "是", "否"],
    ["HX-01-01-01", "1", 101, 3, "张伟", "", "", "", "否", "是"],
    ["HX-01-01-02", "2", "302", "", "李娜", "138 0000 1111", 1988, "", "", ""],
]
BAD = [  # (row, column, reason) each: row numbers count the header as row 1
    ["HX-02-01-01", "1", "101", 2, "王芳", "", "", "", "", ""],  # another community
    ["HX-01-01-01", "1", "102", 1, "赵强", "12345", "", "", "", ""],  # bad mobile
    ["HX-01-01-01", "1", "103", 1, "钱多", "", "18五0", "", "", ""],  # bad year
    ["HX-01-01-01", "1", "104", 1, "", "", "", "", "", ""],  # missing name
    ["HX-01-01-01", "1", "105", 1, "孙丽", "", "", "外星人", "", ""],  # unknown tag
    ["HX-01-01-01", "1", 101, 3, "张伟", "", "", "", "", ""],  # same as row 3
]
BAD_CELLS = {
    (5, "building code", "This building is not in your area."),
    (6, "mobile", "Enter a mainland mobile number: 11 digits starting with 13-19."),
    (7, "birth year", "Enter a year from 1900 to"),
    (8, "resident name", "This field is required."),
    (9, "tags", "Unknown tag: 外星人."),
    (10, "resident name", "The same resident as row 3."),
}


def xlsx(rows, headers=HEADERS, name="registers.xlsx"):
    workbook = Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    stream = BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile(name, stream.getvalue())


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"  # messages compared as written in the code, in requests
    with translation.override("en"):  # and in direct calls
        yield


def errors(outcome):
    return {(e.row, e.column, e.reason[:25]) for e in outcome.errors}


def preview(client, upload):
    return client.post(reverse("grids-import"), {"file": upload})


def test_the_preview_reports_exactly_the_bad_rows_and_saves_nothing(english, client_for, cadre_a):
    response = preview(client_for(cadre_a), xlsx(GOOD + BAD))
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert errors(outcome) == {(row, column, reason[:25]) for row, column, reason in BAD_CELLS}
    assert (outcome.valid, outcome.created, outcome.households_created) == (3, 3, 2)
    assert "This building is not in your area." in response.content.decode()
    assert not Household.objects.exists() and not Resident.objects.exists()
    assert not BuildingProfile.objects.exists()


def test_confirming_imports_only_the_good_rows(english, client_for, cadre_a, small_tree):
    client = client_for(cadre_a)
    token = preview(client, xlsx(GOOD + BAD)).context["token"]
    response = client.post(reverse("grids-import"), {"confirm": token}, follow=True)
    text = response.content.decode()
    assert "3 residents added" in text and "6 rows with errors were not imported" in text
    assert sorted(Resident.objects.values_list("name", flat=True)) == ["张伟", "李娜", "欧阳娜娜"]
    elder = Resident.objects.get(name="欧阳娜娜")
    assert elder.mobile == "13912345678" and elder.birth_year == 1950
    assert {t.name for t in elder.tags.all()} == {"独居老人", "低保户", "党员"}
    assert Resident.objects.get(name="张伟").unit_head
    assert Resident.objects.get(name="李娜").mobile == "13800001111"
    assert Household.objects.get(room="101").size == 3
    assert BuildingProfile.objects.count() == 2
    # The preview is used up: a second click imports nothing twice.
    again = client.post(reverse("grids-import"), {"confirm": token}, follow=True)
    assert "expired" in again.content.decode() and Resident.objects.count() == 3


def test_the_same_file_twice_creates_no_duplicates(cadre_a, small_tree):
    first = importing.apply(importing.parse_workbook(xlsx(GOOD)), user=cadre_a)
    second = importing.apply(importing.parse_workbook(xlsx(GOOD)), user=cadre_a)
    assert (first.created, first.households_created) == (3, 2)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert second.households_created == 0
    assert Resident.objects.count() == 3 and Household.objects.count() == 2
    # A changed cell updates the resident in place; a blank one keeps what is on record.
    changed = [row[:] for row in GOOD]
    changed[0][5], changed[0][6], changed[0][8] = "13700000000", "", "否"
    changed[2][3] = 2  # 李娜's room: now two people
    third = importing.apply(importing.parse_workbook(xlsx(changed)), user=cadre_a)
    assert (third.created, third.updated, third.unchanged) == (0, 2, 1)
    assert Household.objects.get(room="302").size == 2
    elder = Resident.objects.get(name="欧阳娜娜")
    assert (elder.mobile, elder.birth_year) == ("13700000000", 1950)
    assert "党员" not in {t.name for t in elder.tags.all()}


def test_a_building_of_another_community_is_refused(english, cadre_a, cadre_b):
    rows = importing.parse_workbook(xlsx(BAD[:1]))
    refused = importing.apply(rows, user=cadre_a)
    assert refused.errors == [(2, "building code", "This building is not in your area.")]
    assert not Resident.objects.exists()
    assert importing.apply(rows, user=cadre_b).created == 1


def test_chinese_headers_are_read(cadre_a):
    headers = [
        "楼栋编码",
        "单元",
        "房号",
        "户人数",
        "姓名",
        "手机号",
        "出生年份",
        "标签",
        "党员",
        "单元长",
    ]
    outcome = importing.apply(importing.parse_workbook(xlsx(GOOD, headers)), user=cadre_a)
    assert (outcome.created, outcome.errors) == (3, [])


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("registers.csv", b"building code,unit\nHX-01-01-01,1\n"),
        SimpleUploadedFile("registers.xlsx", b"PK\x03\x04 this is no workbook"),
        SimpleUploadedFile("registers.xlsx", b""),
    ],
    ids=["csv", "corrupt", "empty"],
)
def test_a_file_that_is_no_workbook_gets_a_message(english, client_for, cadre_a, upload):
    response = preview(client_for(cadre_a), upload)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Household.objects.exists()


def test_files_over_the_limit_and_without_the_columns_are_refused(english, settings, cadre_a):
    with pytest.raises(ValidationError, match="missing: resident name"):
        importing.parse_workbook(xlsx(GOOD, HEADERS[:4]))
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="larger than"):
        importing.parse_workbook(xlsx(GOOD * 20))


def test_the_import_is_for_community_cadres_only(client_for, street_cadre, small_tree):
    volunteer = UserFactory(username="vol", role=Role.VOLUNTEER)
    for user in (volunteer, street_cadre):
        client = client_for(user)
        assert client.get(reverse("grids-import")).status_code == 403
        assert preview(client, xlsx(GOOD)).status_code == 403
    assert not Resident.objects.exists()


def test_the_template_has_the_headers_and_imports_as_is(english, client_for, cadre_a):
    response = client_for(cadre_a).get(reverse("grids-import-template"))
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert len(headers) == len(HEADERS)
    upload = SimpleUploadedFile("t.xlsx", response.content)
    with pytest.raises(ValidationError, match="no rows"):
        importing.parse_workbook(upload)  # the columns are all found; only rows are missing


# --- Export


def export_rows(client):
    response = client.get(reverse("grids-export"))
    assert response.status_code == 200
    assert "registers-" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    residents, households = workbook.worksheets
    # Residents import again: their header is row 1; households have a title row above it.
    return list(residents.iter_rows(min_row=2, values_only=True)), list(
        households.iter_rows(min_row=3, values_only=True)
    )


@pytest.fixture
def imported(cadre_a, cadre_b):
    importing.apply(importing.parse_workbook(xlsx(GOOD)), user=cadre_a)
    importing.apply(importing.parse_workbook(xlsx(BAD[:1])), user=cadre_b)


def test_the_export_is_full_for_the_community_and_masked_for_the_street(
    client_for, imported, cadre_a, street_cadre
):
    residents, households = export_rows(client_for(cadre_a))
    assert {row[4] for row in residents} == {"欧阳娜娜", "张伟", "李娜"}
    assert "13912345678" in {row[5] for row in residents}
    assert {row[0] for row in households} == {"HX-01-01-01", "HX-01-01-02"}
    assert "HX-01" in client_for(cadre_a).get(reverse("grids-export"))["Content-Disposition"]

    residents, _ = export_rows(client_for(street_cadre))
    names = {row[4] for row in residents}
    assert len(residents) == 4 and not names & {"欧阳娜娜", "张伟", "李娜", "王芳"}
    assert "欧阳某" in names and "139****5678" in {row[5] for row in residents}


def test_an_export_imports_again_unchanged(client_for, imported, cadre_a):
    content = client_for(cadre_a).get(reverse("grids-export")).content
    outcome = importing.apply(
        importing.parse_workbook(SimpleUploadedFile("e.xlsx", content)), user=cadre_a
    )
    assert (outcome.errors, outcome.unchanged, outcome.created) == ([], 3, 0)


def test_a_user_outside_the_subtree_gets_nothing(client_for, imported, cadre_b):
    residents, households = export_rows(client_for(cadre_b))
    assert [row[4] for row in residents] == ["王芳"]
    assert {row[0] for row in households} == {"HX-02-01-01"}
    volunteer = UserFactory(username="vol", role=Role.VOLUNTEER)
    assert client_for(volunteer).get(reverse("grids-export")).status_code == 403
    lost = UserFactory(username="lost", role=Role.GRID_WORKER, node=None)
    assert client_for(lost).get(reverse("grids-export")).status_code == 403


@pytest.mark.parametrize("n", [1, 30])
def test_export_query_count_does_not_grow(
    client_for, cadre_a, small_tree, n, django_assert_max_num_queries
):
    rows = [
        [
            "HX-01-01-0" + str(1 + i % 2),
            "1",
            str(100 + i),
            1,
            f"住户{i}",
            "",
            1960,
            "低保户",
            "是",
            "",
        ]
        for i in range(n)
    ]
    assert importing.apply(importing.parse_workbook(xlsx(rows)), user=cadre_a).created == n
    client = client_for(cadre_a)
    with django_assert_max_num_queries(10):
        residents, _ = export_rows(client)
    assert len(residents) == n


def test_a_resident_named_like_a_formula_is_exported_as_text_and_imports_again(
    client_for, imported, cadre_a
):
    link = '=HYPERLINK("http://x","y")'
    Resident.objects.filter(name="张伟").update(name=link)
    content = client_for(cadre_a).get(reverse("grids-export")).content
    residents = load_workbook(BytesIO(content)).worksheets[0]
    (cell,) = (row[4] for row in residents.iter_rows(min_row=2) if row[4].value == link)
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    outcome = importing.apply(
        importing.parse_workbook(SimpleUploadedFile("e.xlsx", content)), user=cadre_a
    )
    assert (outcome.errors, outcome.unchanged, outcome.created) == ([], 3, 0)
