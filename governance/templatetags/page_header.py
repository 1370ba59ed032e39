"""The page header's pieces that are the same on every page: worked out once per process."""

import secrets

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import get_template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info

register = template.Library()
_options = {}
_headers = {}
# Stand-ins for the two things of a visitor's own in the anonymous header: unguessable, so no
# page text can contain them, and letters only, so escaping leaves them as they are.
_CSRF_MARK = f"csrfmark{secrets.token_hex(16)}"
_NEXT_MARK = f"nextmark{secrets.token_hex(16)}"


def _csrf_input(token):
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@register.simple_tag
def language_options(current):
    """The language switcher's <option>s, `current` selected, each named in its own language."""
    html = _options.get(current)
    if html is None:
        html = _options[current] = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (code, mark_safe(" selected") if code == current else "", info["name_local"])
                for code, info in ((c, get_language_info(c)) for c, _name in settings.LANGUAGES)
            ),
        )
    return html


@register.simple_tag(takes_context=True)
def anonymous_header(context):
    """_header.html as a visitor who is not logged in sees it: rendered once per language,
    then this request's CSRF token and address put in (each page gets its own token)."""
    language = get_language()
    html = _headers.get(language)
    if html is None:
        html = _headers[language] = get_template("_header.html").render(
            {
                "user": AnonymousUser(),
                "LANGUAGE_CODE": language,
                "csrf_token": _CSRF_MARK,
                "next_path": _NEXT_MARK,
            }
        )
    token = context.get("csrf_token")
    # As {% csrf_token %} renders it: nothing without a token.
    csrf = _csrf_input(token) if token and str(token) != "NOTPROVIDED" else ""
    request = context.get("request")
    next_path = escape(request.get_full_path()) if request is not None else ""
    return mark_safe(
        html.replace(str(_csrf_input(_CSRF_MARK)), csrf).replace(_NEXT_MARK, next_path)
    )
