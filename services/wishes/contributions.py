"""What micro-wishes add to the composite pages: posted and lit in the command center, the
review queue on my work."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from governance.composite import command_center as cc
from governance.composite.my_work import Landing, WorkSection, landings
from governance.composite.my_work import sections as work_sections
from governance.party import service_card
from governance.permissions import Perm
from governance.scope import subtree_q
from services.wishes import figures
from services.wishes.models import LIT_STATUSES, REVIEW_STATES, Wish


def _posted(period):
    return Q(created_at__gte=period.start, created_at__lt=period.end)


def _lit(period):
    return Q(status__in=LIT_STATUSES, confirmed_at__gte=period.start, confirmed_at__lt=period.end)


def node_figures(node, period):
    # One pass over the node's wishes for the three counts.
    return Wish.objects.filter(subtree_q(node, "node")).aggregate(
        wishes_posted=Count("pk", filter=_posted(period)),
        wishes_lit=Count("pk", filter=_lit(period)),
        wishes_lit_this_year=Count("pk", filter=figures.lit_this_year_q(now=period.end)),
    )


cc.period_figures.register(
    cc.PeriodFigures(
        compute=node_figures,
        shown=(
            cc.Figure(_("Micro-wishes posted"), lambda f: f["wishes_posted"]),
            cc.Figure(_("Micro-wishes lit"), lambda f: f["wishes_lit"]),
        ),
        order=20,
    )
)
cc.child_columns.register(
    cc.ChildColumns(
        columns=(
            cc.Column("wishes_posted", _("Micro-wishes posted"), on_page=False),
            cc.Column("wishes_lit", _("Micro-wishes lit")),
        ),
        rows=lambda period: Wish.objects.filter(_posted(period) | _lit(period)),
        aggregates=lambda period: {
            "wishes_posted": Count("pk", filter=_posted(period)),
            "wishes_lit": Count("pk", filter=_lit(period)),
        },
        order=20,
    )
)


def waiting_for_review(user, now):
    if not user.has_perm(Perm.MODERATE_WISH):
        return None
    waiting = Wish.objects.visible_to(user).filter(status__in=REVIEW_STATES).count()
    return {"waiting": waiting} if waiting else None


work_sections.register(WorkSection("services/_work_wishes.html", waiting_for_review, order=10))
# Nothing to do on my work (a volunteer, a partner unit's contact): the wishes they claimed.
landings.register(Landing("wish-mine", applies=lambda user: True, order=100))


# --- The party member's service card: micro-wishes they claimed that were lit in the year.


def _card_wishes(users, year):
    return Wish.objects.filter(
        claimer_id__in=users, status__in=LIT_STATUSES, confirmed_at__year=year
    )


def card_entries(member_of_user, year):
    lit = _card_wishes(member_of_user, year).values_list("claimer_id", "confirmed_at", "text")
    for user_id, confirmed_at, text in lit:
        yield service_card.Entry(
            member_of_user[user_id],
            timezone.localdate(confirmed_at),
            _("Micro-wish lit"),
            Truncator(text).chars(60),
        )


service_card.sources.register(
    service_card.Source(
        "micro-wishes",
        card_entries,
        count=lambda users, year: _card_wishes(users, year).count(),
        order=20,
    )
)
