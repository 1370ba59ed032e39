"""Accounts as a government system holds them: login throttling and lockout, the password
policy and an administrator's reset, two-step login for cadres, idle staff sessions, the
audit trail and the Content-Security-Policy."""

import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance import audit
from tests.factories import UserFactory, cadre

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase-7"
LOGIN, ADMIN_LOGIN = "/accounts/login/", "/admin/login/"


@pytest.fixture
def person(small_tree):
    user = cadre(small_tree.community_a, username="lin")
    user.set_password(PASSWORD)
    user.is_staff = True
    user.save()
    return user


def log_in(client, url, username, password):
    return client.post(url, {"username": username, "password": password})


# --- Login throttling


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_thirty_wrong_passwords_lock_the_account_on_both_login_pages(client, person, url):
    for _attempt in range(30):
        log_in(client, url, "lin", "wrong")
    locked = log_in(client, url, "lin", PASSWORD)
    assert locked.status_code == 429
    assert _("Login locked") in locked.content.decode()
    assert "_auth_user_id" not in client.session
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert log_in(Client(), url, "lin", PASSWORD).status_code == 302  # after the cool-off


def test_guesses_at_many_accounts_lock_the_address(client, person, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, LOGIN, f"someone{n}", "wrong")
    assert log_in(client, LOGIN, "lin", PASSWORD).status_code == 429
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert log_in(other_address, LOGIN, "lin", PASSWORD).status_code == 302


def test_an_administrator_unlocks_a_locked_account(client_for, person, superuser):
    for _attempt in range(5):
        log_in(Client(), LOGIN, "lin", "wrong")
    assert log_in(Client(), LOGIN, "lin", PASSWORD).status_code == 429
    admin = client_for(superuser)
    admin.post(
        reverse("admin:governance_user_changelist"),
        {"action": "unlock_logins", "_selected_action": [person.pk]},
    )
    assert log_in(Client(), LOGIN, "lin", PASSWORD).status_code == 302


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_are_counted_too(requires_postgres, small_tree):
    user = cadre(small_tree.community_a, username="lin")
    user.set_password(PASSWORD)
    user.save()
    start = threading.Barrier(12)

    def guess():
        start.wait()
        try:
            log_in(Client(), LOGIN, "lin", "wrong")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert log_in(Client(), LOGIN, "lin", PASSWORD).status_code == 429


# --- Passwords


@pytest.mark.parametrize("password", ["short1", "password123", "12345678901", "linxiaoming1"])
def test_the_password_policy_refuses_weak_ones(small_tree, password):
    """Too short, common, all digits, or the username again."""
    user = cadre(small_tree.community_a, username="linxiaoming")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_reset_password_must_be_changed_at_the_next_login(client_for, person, superuser):
    admin = client_for(superuser)
    done = admin.post(
        reverse("admin:governance_user_changelist"),
        {"action": "reset_passwords", "_selected_action": [person.pk]},
        follow=True,
    )
    message = next(str(m) for m in done.context["messages"] if "lin" in str(m))
    temporary = re.search(r"[:：]\s*(\S+)$", message).group(1)
    client = Client()
    assert log_in(client, LOGIN, "lin", temporary).status_code == 302
    gated = client.get(reverse("mobile-home"))
    assert gated.status_code == 302 and gated["Location"].startswith(reverse("password-change"))
    changed = client.post(
        reverse("password-change"),
        {
            "old_password": temporary,
            "new_password1": "another-long-passphrase-8",
            "new_password2": "another-long-passphrase-8",
        },
    )
    assert changed.status_code == 302
    person.refresh_from_db()
    assert not person.must_change_password
    assert client.get(reverse("mobile-home")).status_code == 200  # still logged in


# --- Two-step login


def code_for(device):
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


@pytest.fixture
def two_factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True


def test_a_cadre_sets_up_two_step_login_then_confirms_each_login(person, two_factor_on):
    client = Client()
    log_in(client, LOGIN, "lin", PASSWORD)
    first = client.get(reverse("command-center"))
    assert first["Location"].startswith(reverse("two-factor-setup"))
    setup = client.get(first["Location"])
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    codes = client.post(reverse("two-factor-setup"), {"code": code_for(device)}).context["codes"]
    assert len(codes) == 10
    assert client.get(reverse("command-center")).status_code == 200

    again = Client()
    log_in(again, LOGIN, "lin", PASSWORD)
    assert again.get("/admin/")["Location"].startswith(reverse("two-factor-verify"))
    wrong = again.post(reverse("two-factor-verify"), {"code": "123456"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # past django-otp's throttle
        assert again.post(reverse("two-factor-verify"), {"code": codes[0]}).status_code == 302
    assert again.get("/admin/").status_code == 200
    # A recovery code works once.
    third = Client()
    log_in(third, LOGIN, "lin", PASSWORD)
    assert third.post(reverse("two-factor-verify"), {"code": codes[0]}).status_code == 200


def test_two_step_login_is_for_cadres_and_only_when_the_setting_says_so(
    client_for, small_tree, person, settings
):
    worker = client_for(cadre(small_tree.grid_a, username="zhou"))
    settings.TWO_FACTOR_REQUIRED = True
    assert worker.get(reverse("mobile-home")).status_code == 200
    settings.TWO_FACTOR_REQUIRED = False
    assert client_for(person).get(reverse("mobile-home")).status_code == 200


# --- Idle sessions


def test_an_idle_staff_session_ends_and_a_volunteers_does_not(client, person, small_tree):
    volunteer = UserFactory(username="vol", role="volunteer", node=small_tree.community_a)
    volunteer.set_password(PASSWORD)
    volunteer.save()
    phone = Client()
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        log_in(client, LOGIN, "lin", PASSWORD)
        log_in(phone, LOGIN, "vol", PASSWORD)
    with time_machine.travel(now + timedelta(minutes=20), tick=False):
        assert client.get(reverse("mobile-home")).status_code == 200  # activity resets it
    with time_machine.travel(now + timedelta(minutes=45), tick=False):
        assert client.get(reverse("mobile-home")).status_code == 200
    with time_machine.travel(now + timedelta(minutes=80), tick=False):
        out = client.get(reverse("mobile-home"))
        assert out.status_code == 302 and out["Location"].startswith(reverse("login"))
        assert phone.get(reverse("wish-mine")).status_code == 200


# --- Audit trail


def test_changes_logins_and_failed_logins_are_in_the_trail(client_for, person, small_tree):
    log_in(Client(REMOTE_ADDR="10.1.2.3"), LOGIN, "lin", "wrong")
    log_in(Client(REMOTE_ADDR="10.1.2.3"), LOGIN, "lin", PASSWORD)
    accesses = LogEntry.objects.filter(object_pk=person.pk, action=LogEntry.Action.ACCESS)
    events = [entry.additional_data["event"] for entry in accesses]
    assert {"login failed", "login"} <= set(events)
    assert LogEntry.objects.filter(remote_addr="10.1.2.3").count() >= 2

    admin = client_for(person)
    node = small_tree.buildings_a[0]
    admin.post(
        reverse("admin:governance_orgnode_change", args=[node.pk]),
        {"name": "锦绣苑9号楼", "code": node.code, "kind": node.kind, "parent": node.parent_id},
    )
    change = LogEntry.objects.get_for_object(node).filter(action=LogEntry.Action.UPDATE).first()
    assert change is not None and change.actor == person
    assert "锦绣苑9号楼" in change.changes_str


def test_people_s_numbers_are_masked_in_the_trail(small_tree):
    user = UserFactory(username="wang", node=small_tree.community_a, mobile="13912345678")
    entry = LogEntry.objects.get_for_object(user).first()
    assert "13912345678" not in str(entry.changes)


def test_cadres_read_the_trail_of_their_own_area(client_for, small_tree, cadre_a, cadre_b):
    UserFactory(username="in_a", node=small_tree.community_a)
    outsider = UserFactory(username="in_b", node=small_tree.community_b)
    LogEntry.objects.log_create(
        outsider, force_log=True, actor=outsider, action=LogEntry.Action.UPDATE
    )
    page = client_for(cadre_a).get(reverse("admin:auditlog_logentry_changelist"))
    assert page.status_code == 200
    shown = {entry.actor_id for entry in page.context["cl"].result_list}
    assert outsider.pk not in shown
    entry = LogEntry.objects.filter(actor=outsider).first()
    hidden = client_for(cadre_a).get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    assert hidden.status_code == 302  # the admin's "does not exist"
    assert (
        client_for(cadre_b)
        .get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
        .status_code
        == 200
    )


def test_the_trail_is_pruned_only_beyond_the_retention(small_tree, settings):
    user = UserFactory(username="old", node=small_tree.community_a)
    recent, old = (
        LogEntry.objects.log_create(user, force_log=True, action=LogEntry.Action.UPDATE)
        for _ in "ab"
    )
    LogEntry.objects.filter(pk=old.pk).update(timestamp=timezone.now() - timedelta(days=181))
    LogEntry.objects.filter(pk=recent.pk).update(timestamp=timezone.now() - timedelta(days=179))
    assert audit.prune() == 1
    assert LogEntry.objects.filter(pk=recent.pk).exists()


# --- Content-Security-Policy


def test_pages_carry_a_strict_script_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]


def test_no_template_holds_inline_script():
    root = Path(__file__).resolve().parents[2] / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"\son[a-z]+=", text), template
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template


def test_a_cadre_resets_only_the_passwords_of_their_own_area(client_for, cadre_a, small_tree):
    """A community cadre changes the users below them in their community (and so may reset
    their passwords), never those of another community."""
    own = UserFactory(username="vol", role="volunteer", node=small_tree.community_a)
    other = UserFactory(username="vol_b", role="volunteer", node=small_tree.community_b)
    before = other.password
    client_for(cadre_a).post(
        reverse("admin:governance_user_changelist"),
        {"action": "reset_passwords", "_selected_action": [own.pk, other.pk]},
    )
    other.refresh_from_db()
    own.refresh_from_db()
    assert other.password == before and not other.must_change_password
    assert own.must_change_password


def test_a_residents_name_stays_out_of_the_trail(small_tree):
    """Masked by the one rule in the changes and in the record's name the trail shows."""
    from grids.models import Household, Resident

    home = Household.objects.create(building=small_tree.buildings_a[0], unit="1", room="101")
    resident = Resident.objects.create(household=home, name="欧阳娜娜", mobile="13912345678")
    entry = LogEntry.objects.get_for_object(resident).get()
    assert "欧阳娜娜" not in entry.object_repr + str(entry.changes)
    assert "13912345678" not in str(entry.changes)
    assert "139****5678" in str(entry.changes)
    assert "欧阳" in entry.object_repr


@pytest.mark.parametrize("n", [1, 10])
def test_the_trail_list_query_count_does_not_grow(
    client_for, small_tree, cadre_a, n, django_assert_max_num_queries
):
    for i in range(n):
        user = UserFactory(username=f"in_a{i}", node=small_tree.community_a)
        LogEntry.objects.log_create(user, force_log=True, actor=user, action=LogEntry.Action.UPDATE)
    client = client_for(cadre_a)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("admin:auditlog_logentry_changelist"))
    assert len(page.context["cl"].result_list) >= n


# --- Where a login lands


@pytest.mark.parametrize(
    ("role", "node", "landing"),
    [
        ("street_cadre", "street", "command-center"),
        ("community_cadre", "community_a", "whistle-list"),
        ("grid_worker", "grid_a", "mobile-home"),
        ("department_handler", "street", "mobile-home"),
        ("volunteer", "community_a", "volunteer-home"),
    ],
)
def test_a_login_lands_on_the_roles_own_page(small_tree, role, node, landing):
    user = UserFactory(username="who", role=role, node=getattr(small_tree, node))
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    response = log_in(client, LOGIN, "who", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse(landing)
    assert client.get(response["Location"]).status_code in (200, 302)


def test_a_superuser_lands_in_the_admin(superuser):
    superuser.set_password(PASSWORD)
    superuser.save()
    assert log_in(Client(), LOGIN, "root", PASSWORD)["Location"] == reverse("admin:index")


def test_a_safe_next_wins_over_the_landing_and_an_unsafe_one_does_not(person):
    client = Client()
    inbox = client.post(
        f"{LOGIN}?next={reverse('inbox')}", {"username": "lin", "password": PASSWORD}
    )
    assert inbox["Location"] == reverse("inbox")
    elsewhere = Client().post(
        f"{LOGIN}?next=https://evil.example/", {"username": "lin", "password": PASSWORD}
    )
    assert elsewhere["Location"] == reverse("whistle-list")


def test_a_cadre_with_two_step_login_reaches_the_landing_through_the_code(person, two_factor_on):
    client = Client()
    landing = log_in(client, LOGIN, "lin", PASSWORD)["Location"]
    gate = client.get(landing)
    assert gate["Location"] == f"{reverse('two-factor-setup')}?next={landing}"


def test_logging_in_takes_a_flat_number_of_queries(person, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        assert log_in(Client(), LOGIN, "lin", PASSWORD).status_code == 302
