"""Pairing's three lists: needs, resources, projects matched from either side, followed to
done with photos; party alliances with meetings and joint projects; scope for every page."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from governance.models import PartnerUnit
from governance.party import lists
from governance.party.models import (
    Alliance,
    Need,
    NeedSource,
    NeedStatus,
    Project,
    ProjectStatus,
    Resource,
    ResourceKind,
)
from tests.factories import NodeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(small_tree):
    found = PartnerUnit.objects.create(name="区税务局", node=small_tree.community_a)
    found.contacts.add(UserFactory(username="unit_contact", node=small_tree.community_a))
    return found


@pytest.fixture
def need(small_tree, cadre_a):
    return lists.add_need(
        cadre_a, small_tree.community_a, title="楼道灯维修", detail="", source=NeedSource.WISH
    )


@pytest.fixture
def resource(unit):
    return lists.add_resource(
        unit.contacts.get(), unit, kind=ResourceKind.SKILLS, title="电工志愿者", detail=""
    )


def photo():
    buffer = BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_need_matched_from_the_units_side_becomes_a_project_once(need, resource, unit):
    project = lists.match(unit.contacts.get(), need.pk, resource.pk)
    need.refresh_from_db()
    assert (project.unit, project.need, project.title) == (unit, need, "楼道灯维修")
    assert need.status == NeedStatus.MATCHED
    with pytest.raises(ValidationError):
        lists.match(unit.contacts.get(), need.pk, resource.pk)
    assert Project.objects.count() == 1


def test_a_need_and_a_resource_of_different_streets_do_not_match(cadre_a, unit, resource):
    far = NodeFactory(parent=NodeFactory(name="东风街道党工委"), name="东湖社区党委")
    elsewhere = Need.objects.create(community=far, title="x")
    with pytest.raises(ValidationError):
        lists.match(unit.contacts.get(), elsewhere.pk, resource.pk)
    with pytest.raises(PermissionDenied):
        lists.add_need(cadre_a, far, title="x", detail="", source=NeedSource.CADRE)


def test_progress_to_100_finishes_the_project_and_meets_the_need(need, resource, unit, cadre_a):
    project = lists.match(cadre_a, need.pk, resource.pk)
    lists.update_project(
        unit.contacts.get(), project, progress=40, note="已更换一半", photo=photo()
    )
    lists.update_project(cadre_a, project, progress=100, note="全部更换")
    project.refresh_from_db()
    need.refresh_from_db()
    assert (project.status, project.done_on, need.status) == (
        ProjectStatus.DONE,
        timezone.localdate(),
        NeedStatus.DONE,
    )
    with pytest.raises(ValidationError):
        lists.update_project(cadre_a, project, progress=100, note="again")
    with pytest.raises(PermissionDenied):
        lists.update_project(UserFactory(), project, progress=50, note="x")


def test_the_lists_page_for_cadres_units_and_others(client_for, need, resource, unit, cadre_b):
    text = client_for(unit.contacts.get()).get(reverse("party-lists")).content.decode()
    assert "楼道灯维修" in text and "电工志愿者" in text
    other = client_for(cadre_b).get(reverse("party-lists")).content.decode()
    assert "楼道灯维修" not in other and "电工志愿者" not in other
    assert client_for(UserFactory()).get(reverse("party-lists")).status_code == 403


def test_the_forms_post_from_the_lists_page(client_for, small_tree, cadre_a, unit):
    client = client_for(cadre_a)
    client.post(
        reverse("party-need-add"),
        {"community": small_tree.community_a.pk, "title": "助老", "source": NeedSource.CADRE},
    )
    client.post(
        reverse("party-resource-add"),
        {"unit": unit.pk, "kind": ResourceKind.VENUE, "title": "会议室"},
    )
    bad = client.post(reverse("party-resource-add"), {"unit": unit.pk, "kind": "x"}, follow=True)
    assert bad.status_code == 200 and Resource.objects.count() == 1
    client.post(
        reverse("party-match"),
        {"need": Need.objects.get().pk, "resource": Resource.objects.get().pk},
    )
    project = Project.objects.get()
    response = client.post(
        reverse("party-project", args=[project.pk]),
        {"progress": 30, "note": "开始", "photo": photo()},
    )
    assert response.status_code == 302
    update = project.updates.get()
    assert update.photo
    shown = client.get(reverse("party-project-photo", args=[project.pk, update.pk]))
    assert shown.status_code == 200
    # Another community's cadre sees neither the project nor its photo.
    other = client_for(UserFactory(role="community_cadre", node=small_tree.community_b))
    assert other.get(reverse("party-project", args=[project.pk])).status_code == 403
    photo_url = reverse("party-project-photo", args=[project.pk, update.pk])
    assert other.get(photo_url).status_code == 403


def test_an_alliance_with_member_units_meetings_and_a_joint_project(
    client_for, small_tree, street_cadre, cadre_b, unit, need, resource
):
    client = client_for(street_cadre)
    response = client.post(
        reverse("party-alliances"),
        {"name": "红星党建联盟", "node": small_tree.street.pk, "units": [unit.pk]},
    )
    alliance = Alliance.objects.get()
    assert response.status_code == 302 and list(alliance.units.all()) == [unit]
    client.post(
        reverse("party-alliance", args=[alliance.pk]),
        {"held_on": timezone.localdate().isoformat(), "place": "党群服务中心", "notes": "季度例会"},
    )
    future = client.post(
        reverse("party-alliance", args=[alliance.pk]),
        {"held_on": "2099-01-01", "place": "x"},
    )
    assert future.status_code == 200 and alliance.meetings.count() == 1
    project = lists.match(street_cadre, need.pk, resource.pk, alliance=alliance)
    page = client.get(reverse("party-alliance", args=[alliance.pk])).content.decode()
    assert "季度例会" in page and project.title in page and "区税务局" in page
    # The unit's contact sees the alliance it belongs to; another community's cadre does not.
    assert (
        client_for(unit.contacts.get())
        .get(reverse("party-alliance", args=[alliance.pk]))
        .status_code
        == 200
    )
    assert client_for(cadre_b).get(reverse("party-alliance", args=[alliance.pk])).status_code == 404


def test_an_alliance_takes_only_units_of_its_street(street_cadre, small_tree):
    far = PartnerUnit.objects.create(
        name="远方单位", node=NodeFactory(parent=NodeFactory(name="东风街道党工委"))
    )
    with pytest.raises(ValidationError):
        lists.found_alliance(
            street_cadre, name="x", node=small_tree.street, units=[far], founded_on=None
        )
    assert not Alliance.objects.exists()


def test_the_lists_page_makes_the_same_queries_for_many_rows(
    client_for, cadre_a, small_tree, unit, django_assert_max_num_queries
):
    client = client_for(cadre_a)
    client.get(reverse("party-lists"))
    for i in range(10):
        Need.objects.create(community=small_tree.community_a, title=f"需求{i}")
        Resource.objects.create(unit=unit, kind=ResourceKind.FUNDS, title=f"资源{i}")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("party-lists")).status_code == 200
