"""The README's walk-throughs in a real browser: Debian's headless Chromium driven by
Playwright against pytest-django's live server.

One browser per module (tests/browser.py); each person of a walk-through (the resident, the
cadre, the handler...) gets their own context — their own cookies — on the viewport of their
role: a 360×740 touch phone or a 1366×900 desktop. Every page a step reaches is saved to
test-artifacts/e2e/<walk-through>/NN-<person>-<step>.png. Skipped, with the reason, where
/usr/bin/chromium or the playwright package is missing; a browser is never downloaded."""

import re
import shutil
from urllib.parse import urlsplit

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import translation

from tests import browser

ARTIFACTS = browser.ARTIFACTS / "e2e"
PASSWORD, PHONE, DESKTOP = browser.PASSWORD, browser.PHONE, browser.DESKTOP


@pytest.fixture
def e2e_settings(settings):
    # As on `make run`: one login step (README, Security: two-step login is tried with
    # TWO_FACTOR_REQUIRED=1), and uploads under the test's own media folder (tests/conftest).
    settings.TWO_FACTOR_REQUIRED = False
    return settings


class Person:
    """One person of a walk-through: a browser context of their own, on their viewport, and
    the numbered screenshots of what they saw."""

    def __init__(self, page, shots, name):
        self.page, self._shots, self.name = page, shots, name
        self.server_errors = []
        page.on(
            "response",
            lambda r: r.status >= 500 and self.server_errors.append(f"{r.status} {r.url}"),
        )

    def no_server_error(self):
        """No page answered 5xx (said at once, not as a later timeout)."""
        assert not self.server_errors, f"{self.name} got {self.server_errors}"

    def shot(self, step):
        """Save the page as test-artifacts/e2e/<walk-through>/NN-<person>-<step>.png."""
        self._shots.save(self.page, f"{self.name}-{step}")

    @property
    def path(self):
        return urlsplit(self.page.url).path

    def goto(self, url):
        self.page.goto(url)
        self.no_server_error()
        return self

    def wait_for_path(self, path):
        """Until the page has loaded `path` (a glob would also match ?next= on the login)."""
        self.page.wait_for_url(lambda url: urlsplit(url).path == path)

    def log_in(self, user, *, then=None):
        """Through the login page, as the person would; `then` is where they ask to go."""
        self.page.goto(reverse("login") + (f"?next={then}" if then else ""))
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.locator("main form button[type=submit]").click()
        self.page.wait_for_url(lambda url: urlsplit(url).path != reverse("login"))
        return self

    def click_link(self, label, *, within="body"):
        """Follow the link whose text starts with `label` (the zh-hans word the page shows;
        a count may follow it)."""
        name = re.compile(rf"^\s*{re.escape(label)}(\s|$)")
        self.page.locator(within).get_by_role("link", name=name).first.click()
        self.page.wait_for_load_state()
        self.no_server_error()

    def press(self, label, *, within="main"):
        """Press the button named `label` and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.locator(within).get_by_role("button", name=label, exact=True).first.click()
        self.no_server_error()

    def submit(self, form):
        """Send the form `form` (a selector) with its submit button."""
        with self.page.expect_navigation():
            self.page.locator(form).first.locator(":is(button, input)[type=submit]").first.click()
        self.no_server_error()

    def open_step(self, form):
        """Unfold the staff step holding `form` (the first one is open already)."""
        step = self.page.locator("details.step", has=form)
        if not step.evaluate("d => d.open"):
            step.locator("summary").click()

    def fetch(self, link):
        """What following `link` downloads (a PDF, a workbook), with this person's cookies."""
        response = self.page.request.get(link.get_attribute("href"))
        assert response.ok, f"{response.status} {response.url}"
        return response

    def message(self):
        """The text of the page's messages (success, error), as the person reads them."""
        return " ".join(self.page.locator(".messages li").all_inner_texts())

    def text(self, selector="main"):
        return self.page.locator(selector).inner_text()

    def fits_a_phone(self):
        """Nothing on the page scrolls sideways."""
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["viewport"]["width"], f"{self.path} is {width}px wide"


class Shots:
    def __init__(self, folder):
        self.folder, self.count = folder, 0

    def save(self, page, step):
        self.count += 1
        name = re.sub(r"[^\w-]+", "-", step).strip("-")
        page.screenshot(path=self.folder / f"{self.count:02d}-{name}.png", full_page=True)


@pytest.fixture
def person(request, chromium, live_server, e2e_settings):
    """person("resident", phone=True) → a Person with a fresh context on the live server.

    Screenshots go to test-artifacts/e2e/<test without test_>/, emptied first, so the
    folder shows the last run of that walk-through only."""
    folder = ARTIFACTS / request.node.name.removeprefix("test_")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shots = Shots(folder)
    contexts = []

    def open_person(name, *, phone=False, **options):
        """`options` go to the browser context, e.g. geolocation and permissions."""
        context = chromium.new_context(
            base_url=live_server.url, locale="zh-CN", **(PHONE if phone else DESKTOP), **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Person(context.new_page(), shots, name)

    try:
        yield open_person
    finally:
        for context in contexts:
            context.close()
        # With Playwright's loop running, asgiref gives this thread's ORM calls their own
        # connections: close them, or PostgreSQL cannot drop the test database.
        connections.close_all()


def zh(message, context=None):
    """The zh-hans text the page shows for a msgid or a lazy label (the README names pages
    in English)."""
    with translation.override("zh-hans"):
        if not isinstance(message, str):  # a lazy label, e.g. a choice's
            return str(message)
        if context:
            return translation.pgettext(context, message)
        return translation.gettext(message)
