"""Which steps of a whistle the resident is told of by text message, and in which words:
the state changes they follow on their tracking page, if they gave a mobile and agreed to
be contacted. Short, in the portal's language, with the tracking code and no one else's
name or number. Registered with governance.workflow's listeners from services/contributions."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from governance import sms
from governance.workflow import Listener, listeners
from services.whistles.models import EventKind, Whistle

WORDS = {
    EventKind.SUBMITTED: _("Your report was received. Tracking code %(code)s."),
    EventKind.GRID_REPORTED: _(
        "Your grid worker reported a problem for you. Tracking code %(code)s."
    ),
    EventKind.ACCEPTED: _("Report %(code)s was accepted by the community."),
    EventKind.REJECTED: _("Report %(code)s was not accepted: the reason is on its tracking page."),
    EventKind.DISPATCHED: _("Report %(code)s was sent to those who will handle it."),
    EventKind.SIGNED: _("Report %(code)s is being handled."),
    EventKind.RESOLVED: _("Report %(code)s is resolved: please rate it on its tracking page."),
    EventKind.CLOSED: _("Report %(code)s is closed. Thank you."),
}


def message_for(whistle, event):
    """The text for this event, or None when the resident is not texted about it."""
    words = WORDS.get(event.kind)
    if words is None or not event.public:
        return None
    if not (whistle.contact_consent and whistle.reporter_mobile):
        return None
    if event.kind == EventKind.CLOSED and whistle.rating is not None:
        return None  # they closed it themselves by rating it
    with translation.override(settings.LANGUAGE_CODE):
        return str(words) % {"code": whistle.tracking_code}


def heard(obj, event):
    if not isinstance(obj, Whistle):
        return
    text = message_for(obj, event)
    if text:
        sms.queue(
            mobile=obj.reporter_mobile,
            text=text,
            key=f"whistle:{obj.pk}:{event.kind}:{event.pk}",
        )


listeners.register(Listener(heard=heard, order=10))
