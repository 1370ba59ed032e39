import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _warm_up():
    """Load now what a fresh worker's first request would load — every view module through
    the URLconf, the catalogues, the login page's templates — so no one's first login waits
    for it (a cold worker answered its first login in ~2 s, a warm one in the hash's time).
    Gunicorn runs with --preload, so the forked workers share what is loaded here."""
    from django.conf import settings
    from django.db import connections
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 (imports every urls and views module)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Log in")
    for name in ("registration/login.html", "base.html", "404.html"):
        get_template(name)
    connections.close_all()  # forked workers open their own


_warm_up()
