"""The header's language switcher, worked out once per process: every language named in its
own language, the page's own language selected (#19.4)."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "accept, selected", [("en", "en"), ("zh-hans", "zh-hans"), ("zh-CN,zh;q=0.9", "zh-hans")]
)
def test_the_language_switcher_selects_the_pages_language(client, accept, selected):
    html = client.get("/track/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    select = re.search(r'<select name="language".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]+)"( selected)?>([^<]+)</option>', select) == [
        ("zh-hans", " selected" if selected == "zh-hans" else "", "简体中文"),
        ("en", " selected" if selected == "en" else "", "English"),
    ]


def header(html):
    return re.search(r'<header class="top">.*?</header>', html, re.S).group(0)


def test_the_anonymous_header_is_the_templates_with_this_requests_token_and_address(client):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import get_template

    pages = [client.get("/track/", {"code": "AB<12>"}) for _ in range(2)]
    tokens = set()
    for page in pages:
        html = page.content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        tokens.add(token)
        expected = get_template("_header.html").render(
            {
                "user": AnonymousUser(),
                "LANGUAGE_CODE": "zh-hans",
                "csrf_token": token,
                "next_path": page.wsgi_request.get_full_path(),
            }
        )
        assert header(html) == header(expected)
        assert 'value="/track/?code=AB%3C12%3E"' in header(html)
        assert html.count(token) == 2  # the language switcher's form and the page's own
        client.cookies.clear()
    assert len(tokens) == 2  # each visitor their own


def test_a_logged_in_user_gets_the_menu(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="menu-user"))
    html = header(client.get("/track/").content.decode())
    assert '<nav class="main"' in html and '<span class="who">' in html
