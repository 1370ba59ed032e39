"""The one headless Chromium the browser tests share: Debian's /usr/bin/chromium driven by
Playwright (a browser is never downloaded), with the portal's own CJK font so screenshots and
widths show real Chinese glyphs. The `chromium` fixture (tests/conftest.py) starts it once per
test module; each test opens its own context on a phone or desktop viewport."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "pw-for-tests"  # UserFactory's
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36"
    ),
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


@contextmanager
def launched(folder):
    """Chromium, or a skip saying what is missing. `folder` holds the fonts configuration."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt install chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="the playwright package is not installed (pip install -e .[dev])",
    )
    fonts_conf = Path(folder) / "fonts.conf"
    fonts_conf.write_text(
        f"<fontconfig><dir>{Path(settings.BASE_DIR) / 'governance' / 'fonts'}</dir>"
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include></fontconfig>'
    )
    with pytest.MonkeyPatch.context() as mp:
        # Playwright's sync API runs an event loop in this thread; the tests' ORM calls
        # (building the world, reading what the pages saved) stay synchronous code.
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
                env={**os.environ, "FONTCONFIG_FILE": str(fonts_conf)},
            )
            try:
                yield browser
            finally:
                browser.close()


@contextmanager
def page_on(chromium, live_server, options, *, locale="zh-CN"):
    """A page in a fresh context (its own cookies) on the live server, closed after."""
    context = chromium.new_context(base_url=live_server.url, locale=locale, **options)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
        # With Playwright's loop running, asgiref gives this thread's ORM calls their own
        # connections: close them, or PostgreSQL cannot drop the test database.
        connections.close_all()
