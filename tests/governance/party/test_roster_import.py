"""The party member roster's Excel import: a preview that reports exactly the bad rows and
saves nothing, a confirm that imports the good ones, a second run that changes nothing, one
roster per member, scope."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from governance.models import PartnerUnit
from governance.party import roster_import
from governance.party.models import MemberKind, MemberStatus, PartyMember

pytestmark = pytest.mark.django_db

HEADERS = ["组织编码", "姓名", "手机号", "党员类别", "状态", "入党时间", "工作单位党组织", "单位"]
GOOD = [
    ["HX-01", "欧阳娜娜", 13912345678, "正式党员", "退休", "1975-07-01", "", ""],
    ["HX-01-01", "张伟", "139 1234 0000", "预备", "在职", "2024年3月", "区税务局机关党支部", ""],
    ["HX-01-01", "李娜", "", "", "", "", "", "红星物业"],
]
BAD = [  # row numbers count the header as row 1
    ["HX-02", "王芳", "", "", "", "", "", ""],  # another community
    ["HX-01-01-01", "赵强", "", "", "", "", "", ""],  # a building is no party organisation
    ["HX-01", "钱多", "12345", "", "", "", "", ""],  # bad mobile
    ["HX-01", "孙丽", "", "荣誉", "", "", "", ""],  # unknown membership
    ["HX-01", "周杰", "", "", "", "明年", "", ""],  # not a date
    ["HX-01", "吴敏", "", "", "", "", "", "不存在的单位"],  # unknown unit
    ["HX-01-01", "张伟", "13912340000", "", "", "", "", ""],  # same as row 3
    ["", "郑爽", "", "", "", "", "", ""],  # no organisation
]
BAD_CELLS = {
    (5, "party organisation code", "This party organisation is not in your area."),
    (6, "party organisation code", "Choose a community party committee or a grid party branch."),
    (7, "mobile", "Enter a mainland mobile number: 11 digits starting with 13-19."),
    (8, "membership", "Write one of: Full member、Probationary member."),
    (9, "joined the party on", "Write a date such as 2019-07-01."),
    (10, "unit party organisation", "No partner unit of your area has this name."),
    (11, "name", "The same member as row 3."),
    (12, "party organisation code", "This field is required."),
}


def xlsx(rows, headers=HEADERS):
    workbook = Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    stream = BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile("roster.xlsx", stream.getvalue())


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def unit(small_tree):
    return PartnerUnit.objects.create(name="红星物业", node=small_tree.community_a)


def run(user, rows, dry_run=False):
    return roster_import.apply(roster_import.parse_workbook(xlsx(rows)), user=user, dry_run=dry_run)


def test_the_preview_reports_exactly_the_bad_rows_and_saves_nothing(
    english, client_for, cadre_a, unit
):
    response = client_for(cadre_a).post(reverse("party-roster-import"), {"file": xlsx(GOOD + BAD)})
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert {(e.row, e.column, e.reason) for e in outcome.errors} == BAD_CELLS
    assert (outcome.valid, outcome.created, outcome.skipped) == (3, 3, 8)
    assert "3 rows can be imported: 3 new party members" in response.content.decode()
    assert not PartyMember.objects.exists()


def test_confirming_imports_the_good_rows_with_every_column(
    english, client_for, cadre_a, small_tree, unit
):
    client = client_for(cadre_a)
    token = client.post(reverse("party-roster-import"), {"file": xlsx(GOOD + BAD)}).context["token"]
    text = client.post(reverse("party-roster-import"), {"confirm": token}, follow=True)
    text = text.content.decode()
    assert "3 party members added" in text and "8 rows with errors were not imported" in text
    elder = PartyMember.objects.get(name="欧阳娜娜")
    assert (elder.node, elder.mobile, elder.kind, elder.status, str(elder.joined_on)) == (
        small_tree.community_a,
        "13912345678",
        MemberKind.FULL,
        MemberStatus.RETIRED,
        "1975-07-01",
    )
    young = PartyMember.objects.get(name="张伟")
    assert (young.node, young.mobile, young.kind, young.status) == (
        small_tree.grid_a,
        "13912340000",
        MemberKind.PROBATIONARY,
        MemberStatus.EMPLOYED,
    )
    assert (str(young.joined_on), young.workplace) == ("2024-03-01", "区税务局机关党支部")
    assert PartyMember.objects.get(name="李娜").unit == unit
    # The rows left out can be downloaded, with their reasons, by the cadre who ran it.
    left_out = client.get(reverse("party-roster-left-out"))
    sheet = load_workbook(BytesIO(left_out.content)).active
    assert sheet.max_row == 1 + len(BAD)
    # The preview is used up: a second click imports nothing twice.
    again = client.post(reverse("party-roster-import"), {"confirm": token}, follow=True)
    assert "expired" in again.content.decode() and PartyMember.objects.count() == 3


def test_the_same_file_twice_changes_nothing_and_a_changed_cell_updates(cadre_a, unit):
    first = run(cadre_a, GOOD)
    second = run(cadre_a, GOOD)
    assert (first.created, second.created, second.updated, second.unchanged) == (3, 0, 0, 3)
    changed = [list(GOOD[0]), *GOOD[1:]]
    changed[0][4] = "流动"
    changed[0][5] = ""  # a blank cell keeps what is on record
    third = run(cadre_a, changed)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    elder = PartyMember.objects.get(name="欧阳娜娜")
    assert elder.status == MemberStatus.MOBILE and str(elder.joined_on) == "1975-07-01"
    assert PartyMember.objects.count() == 3


def test_a_dry_run_counts_what_the_import_would_do_and_writes_nothing(cadre_a, unit):
    outcome = run(cadre_a, GOOD, dry_run=True)
    assert (outcome.created, outcome.valid) == (3, 3)
    assert not PartyMember.objects.exists()


def test_a_member_on_another_branchs_roster_is_refused_without_naming_it(
    english, cadre_a, cadre_b, small_tree
):
    PartyMember.objects.create(node=small_tree.community_b, name="欧阳娜娜", mobile="13912345678")
    outcome = run(cadre_a, GOOD[:1])
    assert [(e.row, e.reason) for e in outcome.errors] == [
        (2, "Already on another party organisation's roster: move the member there.")
    ]
    assert "幸福" not in outcome.errors[0].reason
    assert PartyMember.objects.count() == 1


def test_a_street_cadre_imports_for_no_community_and_a_unit_of_another_area_is_unknown(
    english, cadre_a, small_tree, street_cadre
):
    PartnerUnit.objects.create(name="红星物业", node=small_tree.community_b)
    outcome = run(cadre_a, GOOD[2:3])
    assert [e.column for e in outcome.errors] == ["unit party organisation"]
    # Street cadres read the roster; keeping it is the community's.
    assert not street_cadre.has_perm("party.add_partymember")


def test_the_import_pages_refuse_who_may_not_keep_the_roster(client_for, street_cadre, small_tree):
    client = client_for(street_cadre)
    for name in ("party-roster-import", "party-roster-template", "party-roster-left-out"):
        assert client.get(reverse(name)).status_code == 403


def test_the_template_reads_back_as_the_columns(cadre_a, client_for):
    response = client_for(cadre_a).get(reverse("party-roster-template"))
    rows = roster_import.sheet_imports._read(BytesIO(response.content), roster_import.COLUMNS)
    assert rows == []
