"""Nothing a resident sends is lost when Redis is down: with the shared cache and the broker
pointed at a closed port, a whistle and a wish are saved and get their codes, the tracking
lookups answer, the limit still holds within the process, and routing catches up."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from services.whistles import routing
from services.whistles.models import Whistle
from services.wishes.models import Wish, WishCategory, WishFor
from tests.services.whistles.test_public_pages import form_data

pytestmark = pytest.mark.django_db
CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1
DOWN = {
    **{
        alias: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED}
        for alias in ("default", "ratelimit")
    },
    "ratelimit-fallback": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}


@contextmanager
def redis_down():
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, CLOSED
    try:
        with override_settings(CACHES=DOWN):
            yield
    finally:
        conf.task_always_eager, conf.broker_url = saved


def wish_data(world):
    return {
        "wish_for": WishFor.ELDERLY,
        "category": WishCategory.REPAIR,
        "text": "楼道的灯坏了，想请人修一修。",
        "community": world.tree.community_a.pk,
        "poster_name": "李秀英",
        "poster_mobile": "13700001234",
    }


def test_a_whistle_is_saved_and_routed_later_when_redis_is_down(
    client, world, django_capture_on_commit_callbacks, frozen_clock
):
    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("whistle-report"), form_data(world))
        w = Whistle.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("whistle-submitted", args=[w.tracking_code])
        # The resident can follow it by code and the last four digits.
        found = client.post(reverse("whistle-track"), {"code": w.tracking_code, "last4": "5678"})
        assert found.status_code == 302
    assert w.routed_at is None  # the routing task never reached the broker
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert routing.route_pending() == 1  # the beat scan catches it up
    w.refresh_from_db()
    assert w.routed_at is not None and w.suggested_department == world.city


def test_a_wish_is_saved_when_redis_is_down(client, world, frozen_clock):
    with redis_down():
        response = client.post(reverse("wish-post"), wish_data(world))
        wish = Wish.objects.get()
        assert response.status_code == 302
        found = client.post(reverse("wish-track"), {"code": wish.tracking_code, "last4": "1234"})
        assert found.status_code == 302


def test_the_limit_still_holds_in_the_process_when_redis_is_down(
    client, world, settings, frozen_clock
):
    settings.PUBLIC_FORM_RATE_PER_MOBILE = "2/h"
    with redis_down():
        codes = [
            client.post(reverse("whistle-report"), form_data(world)).status_code for _ in "abc"
        ]
    assert codes == [302, 302, 429]
    assert Whistle.objects.count() == 2
