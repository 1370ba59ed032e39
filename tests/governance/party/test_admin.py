"""The roster in the admin: the area only, masked for the street, which opens no member."""

import pytest
from django.urls import reverse

from governance.party.models import PartyMember

pytestmark = pytest.mark.django_db


def test_the_admin_roster_by_the_masking_rule(client_for, small_tree, cadre_a, street_cadre):
    member = PartyMember.objects.create(
        node=small_tree.community_a, name="欧阳娜娜", mobile="13912345678"
    )
    PartyMember.objects.create(node=small_tree.community_b, name="王芳", mobile="13700001111")
    url = reverse("admin:party_partymember_changelist")
    own = client_for(cadre_a).get(url, {"q": "欧阳"}).content.decode()
    assert "欧阳娜娜" in own and "13912345678" in own and "王芳" not in own
    street = client_for(street_cadre).get(url).content.decode()
    assert "欧阳某" in street and "139****5678" in street and "王某" in street
    assert "欧阳娜娜" not in street and "13912345678" not in street
    change = reverse("admin:party_partymember_change", args=[member.pk])
    assert client_for(street_cadre).get(change).status_code == 403
    assert client_for(cadre_a).get(change).status_code == 200
