"""Files with people's data leave a record of who took them; the record is read-only and
scoped like everything else."""

import pytest
from django.test import Client
from django.urls import reverse

from governance.models import PersonalDataExport

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_personal_exports_are_recorded_and_others_are_not(small_tree, cadre_a, cadre_b):
    client = logged_in(cadre_a)
    assert client.get(reverse("grids-export")).status_code == 200
    command = reverse("command-center-export", args=[small_tree.community_a.pk])
    assert client.get(command).status_code == 200  # figures only: not recorded
    (record,) = PersonalDataExport.objects.all()
    assert record.user == cadre_a and record.filename.startswith("registers-HX-01")

    listing = reverse("admin:governance_personaldataexport_changelist")
    assert list(logged_in(cadre_a).get(listing).context["cl"].result_list) == [record]
    assert not logged_in(cadre_b).get(listing).context["cl"].result_list


def test_the_record_cannot_be_changed_even_by_a_superuser(cadre_a, superuser):
    record = PersonalDataExport.objects.create(user=cadre_a, filename="x.xlsx", path="/x")
    client = logged_in(superuser)
    change = reverse("admin:governance_personaldataexport_change", args=[record.pk])
    delete = reverse("admin:governance_personaldataexport_delete", args=[record.pk])
    assert client.post(change, {"filename": "y.xlsx"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    record.refresh_from_db()
    assert record.filename == "x.xlsx"


@pytest.mark.parametrize("n", [1, 8])
def test_the_list_query_count_does_not_grow(cadre_a, n, django_assert_max_num_queries):
    PersonalDataExport.objects.bulk_create(
        PersonalDataExport(user=cadre_a, filename=f"{i}.xlsx", path="/x") for i in range(n)
    )
    client = logged_in(cadre_a)
    with django_assert_max_num_queries(10):
        client.get(reverse("admin:governance_personaldataexport_changelist"))
