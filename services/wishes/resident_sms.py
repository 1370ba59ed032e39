"""Which steps of a micro-wish the poster is told of by text message, and in which words:
the state changes they follow on their tracking page, if they agreed to texts when posting.
Short, in the portal's language, with the tracking code, never the claimer's name.
Registered with governance.workflow's listeners from services/contributions."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from governance import sms
from governance.workflow import Listener, listeners
from services.wishes.models import Wish, WishEventKind, WishStatus

BACK_ON_THE_WALL = _("Micro-wish %(code)s is back on the wish wall for a new claimer.")
WORDS = {
    WishEventKind.POSTED: _("Your micro-wish was received. Tracking code %(code)s."),
    WishEventKind.APPROVED: _("Micro-wish %(code)s is on the wish wall."),
    WishEventKind.REJECTED: _(
        "Micro-wish %(code)s was not published: the reason is on its tracking page."
    ),
    WishEventKind.CLAIMED: _("Micro-wish %(code)s was claimed."),
    WishEventKind.WITHDRAWN: BACK_ON_THE_WALL,
    WishEventKind.RELEASED: BACK_ON_THE_WALL,
    WishEventKind.FULFILLED: _(
        "Micro-wish %(code)s is fulfilled, says its claimer: please confirm on its tracking page."
    ),
    WishEventKind.RETURNED: _("Micro-wish %(code)s is with the community, which follows it up."),
    WishEventKind.AUTO_CONFIRMED: _("Micro-wish %(code)s is lit. Thank you."),
}


def message_for(wish, event):
    """The text for this event, or None when the poster is not texted about it."""
    words = WORDS.get(event.kind)
    if words is None or not event.public:
        return None
    if not (wish.sms_consent and wish.poster_mobile):
        return None
    if words is BACK_ON_THE_WALL and wish.status != WishStatus.APPROVED:
        return None  # the claim ended but the wish went to the community: that event says so
    with translation.override(settings.LANGUAGE_CODE):
        return str(words) % {"code": wish.tracking_code}


def heard(obj, event):
    if not isinstance(obj, Wish):
        return
    text = message_for(obj, event)
    if text:
        sms.queue(mobile=obj.poster_mobile, text=text, key=f"wish:{obj.pk}:{event.kind}:{event.pk}")


listeners.register(Listener(heard=heard, order=20))
