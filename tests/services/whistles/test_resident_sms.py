"""The resident who agreed to be contacted is texted at each state change of their whistle:
short, with the tracking code, no one else's name; once per event; internal steps never."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from governance.models import OutboundSMS
from services.whistles import dispatch, rating, resident_sms
from services.whistles.models import EventKind
from tests.governance import sms_gateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(settings, monkeypatch):
    with sms_gateway.start(settings, monkeypatch) as started:
        yield started


def test_each_state_change_texts_the_resident_once(
    gateway, world, settings, django_capture_on_commit_callbacks
):
    # Texts are in the portal's language (here English), whatever the request's language.
    settings.LANGUAGE_CODE = "en"
    with django_capture_on_commit_callbacks(execute=True), translation.override("zh-hans"):
        whistle = world.submit()
        code = whistle.tracking_code
        dispatch.accept_whistle(whistle=whistle, actor=world.cadre_a, note="内部备注")
        dispatch.dispatch_whistle(whistle=whistle, actor=world.cadre_a, department=world.city)
        dispatch.return_whistle(whistle=whistle, actor=world.handler, reason="不归我们管")
        dispatch.dispatch_whistle(whistle=whistle, actor=world.cadre_a, department=world.city)
        dispatch.sign_whistle(whistle=whistle, actor=world.handler)
        dispatch.resolve_whistle(whistle=whistle, actor=world.handler, note="已清理")
        rating.rate_whistle(whistle=whistle, rating=5)
    # The return is internal; dispatched twice is two messages; a close after the resident's
    # own rating is not told back to them.
    assert gateway.texts() == [
        f"【红格】Your report was received. Tracking code {code}.",
        f"【红格】Report {code} was accepted by the community.",
        f"【红格】Report {code} was sent to those who will handle it.",
        f"【红格】Report {code} was sent to those who will handle it.",
        f"【红格】Report {code} is being handled.",
        f"【红格】Report {code} is resolved: please rate it on its tracking page.",
    ]
    assert {r["mobile"] for r in gateway.received} == {"13912345678"}
    for text in gateway.texts():  # nobody's name: not the resident's, the handler's or the cadre's
        for name in ("张建国", "赵办理", world.cadre_a.full_name, "城市管理执法队", "内部备注"):
            assert name not in text
    assert OutboundSMS.objects.filter(sent_at__isnull=False).count() == 6


def test_no_consent_no_text(gateway, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        whistle = world.submit(contact_consent=False)
        dispatch.accept_whistle(whistle=whistle, actor=world.cadre_a)
    assert gateway.received == [] and not OutboundSMS.objects.exists()


def test_a_rejection_and_an_unrated_close_are_told(
    gateway, world, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "en"
    with django_capture_on_commit_callbacks(execute=True):
        rejected = world.submit()
        dispatch.reject_whistle(whistle=rejected, actor=world.cadre_a, reason="不属于社区")
        closed = world.submit()
        dispatch.accept_whistle(whistle=closed, actor=world.cadre_a)
        dispatch.dispatch_whistle(whistle=closed, actor=world.cadre_a, department=world.city)
        dispatch.sign_whistle(whistle=closed, actor=world.handler)
        dispatch.resolve_whistle(whistle=closed, actor=world.handler, note="已清理")
    with (
        time_machine.travel(timezone.now() + timedelta(days=8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert rating.close_unrated() == 1
    texts = gateway.texts()
    assert texts[1] == (
        f"【红格】Report {rejected.tracking_code} was not accepted: the reason is on its"
        " tracking page."
    )
    assert texts[-1] == f"【红格】Report {closed.tracking_code} is closed. Thank you."
    assert len(texts) == 8
    event = rejected.events.get(kind=EventKind.REJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        resident_sms.heard(rejected, event)  # heard again: the same key, no second text
    assert len(gateway.received) == 8


def test_internal_events_are_not_texted(world):
    whistle = world.submit()
    for kind in (EventKind.RETURNED, EventKind.REMINDED, EventKind.EXTENSION_ASKED):
        event = whistle.events.create(kind=kind, public=False)
        assert resident_sms.message_for(whistle, event) is None
