"""A community cadre registers a volunteer in the admin by picking the person by name (no raw
ids): the picker suggests only people of the cadre's subtree, and the form takes no one
else."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from governance.models import Role
from tests.factories import UserFactory
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db
ADD = reverse("admin:volunteers_volunteerprofile_add")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def suggestions(client, term):
    return {int(row["id"]) for row in picked(client, term)}


def picked(client, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "volunteers",
            "model_name": "volunteerprofile",
            "field_name": "user",
            "term": term,
        },
    )
    assert response.status_code == 200
    return json.loads(response.content)["results"]


@pytest.fixture
def people(small_tree):
    here = UserFactory(
        username="here", role=Role.VOLUNTEER, node=small_tree.grid_a, full_name="周海燕"
    )
    there = UserFactory(
        username="there", role=Role.VOLUNTEER, node=small_tree.community_b, full_name="周海涛"
    )
    return here, there


def test_the_picker_suggests_people_of_the_cadres_subtree_only(cadre_a, cadre_b, people):
    here, there = people
    assert suggestions(client_for(cadre_a), "周海") == {here.pk}
    assert suggestions(client_for(cadre_b), "周海") == {there.pk}


def test_the_picker_names_people_as_the_user_list_does(cadre_a, street_cadre, people):
    # The community keeps the register in full; the street reads volunteers masked.
    assert [row["text"] for row in picked(client_for(cadre_a), "周海")] == ["周海燕"]
    shown = {row["text"] for row in picked(client_for(street_cadre), "周海")}
    assert shown == {"周某"}


def test_the_add_form_is_a_picker_and_takes_no_one_from_outside(cadre_a, small_tree, people):
    here, there = people
    client = client_for(cadre_a)
    page = client.get(ADD).content.decode()
    assert "admin-autocomplete" in page and "vForeignKeyRawIdAdminField" not in page

    outside = client.post(
        ADD,
        {"user": there.pk, "community": small_tree.community_a.pk, "registered_on": "2026-05-11"},
    )
    assert outside.status_code == 200 and not VolunteerProfile.objects.exists()

    done = client.post(
        ADD,
        {"user": here.pk, "community": small_tree.community_a.pk, "registered_on": "2026-05-11"},
    )
    assert done.status_code == 302
    assert VolunteerProfile.objects.get().user == here
    # Once registered, the person is no longer offered as a new volunteer.
    again = client.post(
        ADD,
        {"user": here.pk, "community": small_tree.community_a.pk, "registered_on": "2026-05-11"},
    )
    assert again.status_code == 200 and VolunteerProfile.objects.count() == 1
