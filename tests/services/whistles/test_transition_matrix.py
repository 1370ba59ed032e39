"""Every step against every status: exactly the documented steps are allowed; every other one
is refused with a message and changes nothing."""

from datetime import timedelta

import pytest

from governance.workflow import TransitionError
from services.whistles import dispatch, rating
from services.whistles.models import Rating, Status

pytestmark = pytest.mark.django_db

ALLOWED = {
    "accept": {Status.SUBMITTED},
    "reject": {Status.SUBMITTED},
    "dispatch": {Status.ACCEPTED},
    "sign": {Status.DISPATCHED},
    "return": {Status.DISPATCHED, Status.SIGNED},
    "extend": {Status.DISPATCHED, Status.SIGNED},
    "resolve": {Status.SIGNED},
    "rate": {Status.RESOLVED},
}


def whistle_in(world, status):
    w = world.submit()
    if status == Status.REJECTED:
        return dispatch.reject_whistle(whistle=w, actor=world.cadre_a, reason="不属实")
    path = [Status.ACCEPTED, Status.DISPATCHED, Status.SIGNED, Status.RESOLVED, Status.CLOSED]
    steps = {
        Status.ACCEPTED: lambda w: dispatch.accept_whistle(whistle=w, actor=world.cadre_a),
        Status.DISPATCHED: lambda w: dispatch.dispatch_whistle(
            whistle=w, actor=world.cadre_a, department=world.city
        ),
        Status.SIGNED: lambda w: dispatch.sign_whistle(whistle=w, actor=world.handler),
        Status.RESOLVED: lambda w: dispatch.resolve_whistle(
            whistle=w, actor=world.handler, note="done"
        ),
        Status.CLOSED: lambda w: rating.rate_whistle(whistle=w, rating=Rating.SATISFIED),
    }
    for reached in path[: path.index(status) + 1] if status != Status.SUBMITTED else []:
        w = steps[reached](w)
    return w


def take(world, step, w):
    """The step taken by someone who may take it, so only the state can refuse it."""
    calls = {
        "accept": lambda: dispatch.accept_whistle(whistle=w, actor=world.cadre_a),
        "reject": lambda: dispatch.reject_whistle(whistle=w, actor=world.cadre_a, reason="x"),
        "dispatch": lambda: dispatch.dispatch_whistle(
            whistle=w, actor=world.cadre_a, department=world.city
        ),
        "sign": lambda: dispatch.sign_whistle(whistle=w, actor=world.handler),
        "return": lambda: dispatch.return_whistle(whistle=w, actor=world.handler, reason="x"),
        "extend": lambda: dispatch.request_extension(
            whistle=w, actor=world.handler, reason="x", until=w.resolve_due + timedelta(days=1)
        ),
        "resolve": lambda: dispatch.resolve_whistle(whistle=w, actor=world.handler, note="x"),
        "rate": lambda: rating.rate_whistle(whistle=w, rating=Rating.SATISFIED),
    }
    return calls[step]()


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("step", list(ALLOWED))
def test_each_step_in_each_state(world, status, step):
    w = whistle_in(world, status)
    assert w.status == status
    if status in ALLOWED[step]:
        take(world, step, w)
        return
    events_before = w.events.count()
    with pytest.raises(TransitionError) as excinfo:
        take(world, step, w)
    assert w.get_status_display() in excinfo.value.message
    w.refresh_from_db()
    assert w.status == status and w.events.count() == events_before
