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
