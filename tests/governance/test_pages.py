"""The organisation pages, the Excel export and the API, each scoped to the user's subtree."""

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import NodeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_home_page_says_what_the_portal_is_and_has_no_dead_links(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    links = {
        link
        for link in re.findall(r'href="(/[^"]*)"', body)
        if link != "/" and not link.startswith("/static/")
    }
    assert len(links) >= 5
    for link in links:
        status = client.get(link).status_code
        assert status in (200, 302), f"{link} answered {status}"


def test_the_home_page_speaks_chinese_by_default_and_english_on_request(client):
    assert "红格" in client.get(reverse("home")).content.decode()
    english = client.get(reverse("home"), headers={"accept-language": "en"})
    assert "Hongge" in english.content.decode()


def test_healthz_answers(client):
    assert client.get("/healthz/").json() == {"ok": True}


def test_org_page_shows_the_cadres_community_with_counts(client_for, cadre_a, small_tree):
    response = client_for(cadre_a).get(reverse("org-tree"))
    body = response.content.decode()
    assert "红旗第1网格党支部" in body
    assert "幸福" not in body
    assert response.context["rows"][0].building_count == 2


def test_another_communitys_org_page_and_export_are_404(client_for, cadre_a, small_tree):
    client = client_for(cadre_a)
    other = small_tree.community_b
    for url in (reverse("org-node", args=[other.pk]), reverse("org-node-export", args=[other.pk])):
        response = client.get(url)
        assert response.status_code == 404
        assert other.name.encode() not in response.content
    # ... and the same pages open for that community's own cadre.
    UserFactory(username="b", role="community_cadre", node=other)
    client.force_login(UserFactory(username="b"))
    assert client.get(reverse("org-node", args=[other.pk])).status_code == 200


def test_an_anonymous_visitor_is_sent_to_log_in(client, small_tree):
    for url in (
        reverse("org-tree"),
        reverse("org-export"),
        reverse("mobile-home"),
        reverse("inbox"),
        reverse("whistle-list"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/nodes/").status_code == 403


def test_the_excel_export_holds_exactly_the_subtree(client_for, cadre_a, small_tree):
    response = client_for(cadre_a).get(reverse("org-export"))
    assert response.status_code == 200
    assert "org-HX-01-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]  # below the title
    assert codes == ["HX-01", "HX-01-01", "HX-01-01-01", "HX-01-01-02"]


def test_the_api_lists_only_the_subtree(client_for, cadre_a, small_tree):
    client = client_for(cadre_a)
    codes = {n["code"] for n in client.get("/api/nodes/").json()["results"]}
    assert codes == {"HX-01", "HX-01-01", "HX-01-01-01", "HX-01-01-02"}
    assert client.get(f"/api/nodes/{small_tree.grid_b.pk}/").status_code == 404
    children = client.get(f"/api/nodes/?parent={small_tree.grid_a.pk}").json()["results"]
    assert {n["code"] for n in children} == {"HX-01-01-01", "HX-01-01-02"}


def test_a_user_without_a_node_sees_no_tree(client_for, small_tree):
    volunteer = UserFactory(username="lone", node=None)
    client = client_for(volunteer)
    assert client.get("/api/nodes/").json()["results"] == []
    assert client.get(reverse("org-tree")).status_code == 404
    assert client.get(reverse("org-export")).status_code == 404


def grow(small_tree, n):
    for g in range(n):
        grid = NodeFactory(parent=small_tree.community_a, code=f"HX-01-7{g:02d}")
        for b in range(2):
            NodeFactory(parent=grid, code=f"{grid.code}-{b}")


@pytest.mark.parametrize("n", [1, 10])
@pytest.mark.parametrize("url_name", ["org-tree", "org-export", "inbox"])
def test_page_query_counts_do_not_grow(
    client_for, cadre_a, small_tree, n, url_name, django_assert_max_num_queries
):
    grow(small_tree, n)
    client = client_for(cadre_a)
    with django_assert_max_num_queries(9):
        assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("n", [1, 10])
def test_api_query_count_does_not_grow(
    client_for, cadre_a, small_tree, n, django_assert_max_num_queries
):
    grow(small_tree, n)
    client = client_for(cadre_a)
    with django_assert_max_num_queries(5):
        assert client.get("/api/nodes/").status_code == 200


def test_a_superuser_sees_every_street(client_for, superuser, small_tree):
    NodeFactory(code="DF", name="东风街道党工委")
    body = client_for(superuser).get(reverse("org-tree")).content.decode()
    assert "红星街道党工委" in body and "东风街道党工委" in body


def test_a_node_named_like_a_formula_is_exported_as_text(client_for, cadre_a, small_tree):
    NodeFactory(parent=small_tree.grid_a, name="=1+1", code="HX-01-01-03")
    response = client_for(cadre_a).get(reverse("org-export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    (cell,) = (name for code, name, *_ in sheet.iter_rows() if code.value == "HX-01-01-03")
    assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", "=1+1", True)


# --- The portal's own error pages, as `make run` (DEBUG off) serves them


def _has_a_way_back(body):
    return 'href="/"' in body


def test_the_404_page_is_the_portals_own_in_chinese_and_english(client, settings, small_tree):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and "返回首页" in body and _has_a_way_back(body)
    assert "Page not found" not in body and "URLconf" not in body  # not Django's page
    english = client.get("/no-such-page/", headers={"accept-language": "en"}).content.decode()
    assert "Not found" in english and "Back to the home page" in english


def test_the_403_page_is_the_portals_own(client_for, settings, small_tree):
    settings.DEBUG = False
    volunteer = UserFactory(username="v403", role="volunteer", node=small_tree.community_a)
    response = client_for(volunteer).get(reverse("command-center"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "无权" in body and _has_a_way_back(body)


def test_a_refused_form_token_says_so_in_chinese_with_a_way_back(settings, small_tree):
    from django.test import Client
    from django.utils import translation
    from django.utils.translation import gettext

    settings.DEBUG = False
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})
    body = response.content.decode()
    assert response.status_code == 403
    with translation.override("zh-hans"):
        assert gettext("This page has expired") in body and _has_a_way_back(body)
    assert "CSRF verification failed" not in body


def test_the_500_page_is_the_portals_own_and_needs_nothing_but_the_template(rf, settings):
    from django.utils import translation
    from django.views.defaults import server_error

    settings.DEBUG = False
    with translation.override("zh-hans"):
        body = server_error(rf.get("/")).content.decode()
    assert "出错了" in body and _has_a_way_back(body)
    with translation.override("en"):
        assert "Something went wrong" in server_error(rf.get("/")).content.decode()


def test_the_favicon_is_served_by_the_portal_at_the_root_and_as_a_static_file(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    body = client.get(reverse("home")).content.decode()
    svg = re.search(r'<link rel="icon" href="([^"]+\.svg)"', body).group(1)
    assert client.get(svg).status_code == 200


def test_no_numbered_list_shows_an_empty_state_as_item_one():
    """An empty list says so in a sentence; a numbered list would show it as "1."."""
    from django.conf import settings

    offenders = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for block in re.findall(r"<ol\b.*?</ol>", template.read_text(), flags=re.S):
            if "{% empty %}" in block:
                offenders.append(str(template))
    assert offenders == []
