"""Two-step verification: enrolment, the second login step, recovery codes, remember-me, who
must have it before money moves, and the operator's reset."""

import re
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
import time_machine

from tests.billing.test_views import settled
from tests.conftest import PASSWORD, log_in
from vrijstad import clock
from vrijstad.audit.models import AuditEvent
from vrijstad.auth import two_factor
from vrijstad.auth.models import RecoveryCode, User
from vrijstad.billing.models import SettlementStatus
from vrijstad.extensions import db
from vrijstad.privacy.services import delete_account

SECRET_ON_PAGE = re.compile(r'<code class="totp-secret">([A-Z2-7]+)</code>')


def fresh(user: User) -> User:
    return db.session.get(User, user.id, populate_existing=True)


def at_step_start():
    """Time stands still 5 seconds into a 30-second step: one code stays the current one."""
    now = clock.now()
    return time_machine.travel(now - timedelta(seconds=now.timestamp() % 30 - 5), tick=False)


def enrol(client, user) -> list[str]:
    """Switch two-step verification on through the account page; the recovery codes shown."""
    page = client.get("/account/two-factor")
    secret = SECRET_ON_PAGE.search(page.text).group(1)
    response = client.post("/account/two-factor/enable", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200, response.text
    return re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.text)


def password_step(client, user, **extra):
    return client.post("/login", data={"email": user.email, "password": PASSWORD, **extra})


# Enrolment ----------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_switches_on_only_with_a_valid_code(client, login, make_user):
    user = make_user("landlord")
    login(user)
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    assert '<svg width="' in page.text and 'class="segno"' in page.text  # the QR code, inline
    secret = SECRET_ON_PAGE.search(page.text).group(1)
    assert client.get("/account/two-factor").text.count(secret) == 1  # a reload: the same one
    wrong = client.post("/account/two-factor/enable", data={"code": "000000"})
    assert wrong.status_code == 422 and "Deze code klopt niet" in wrong.text
    assert not fresh(user).two_factor_enabled
    response = client.post("/account/two-factor/enable", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and "Twee-stapsverificatie staat aan" in response.text
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.text)
    assert len(codes) == 10 == len(set(codes))
    assert fresh(user).two_factor_enabled and fresh(user).totp_secret == secret
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not any(c.replace("-", "") in h for c in codes for h in stored)
    # Shown once: the page afterwards counts them and shows none of them.
    again = client.get("/account/two-factor")
    assert "10 ongebruikte herstelcodes" in again.text
    assert not any(code in again.text for code in codes)
    assert client.get("/account").status_code == 200  # still logged in on this device


def test_enrolment_ends_the_sessions_and_cookies_issued_before(app, client, login, make_user):
    user = make_user("landlord")
    other_device = app.test_client()
    log_in(other_device, user)
    login(user)
    enrol(client, user)
    assert other_device.get("/account").status_code == 302  # logged out there


# The second step ----------------------------------------------------------------------------


def test_login_asks_the_second_step_and_a_wrong_code_is_refused(client, make_user):
    user = make_user("staff")
    response = password_step(client, user)
    assert response.location == "/login/code"
    assert client.get("/account").status_code == 302  # not logged in yet
    wrong = client.post("/login/code", data={"code": "123456"})
    assert wrong.status_code == 422 and "Deze code klopt niet." in wrong.text
    assert client.get("/account").status_code == 302
    ok = client.post("/login/code", data={"code": pyotp.TOTP(user.totp_secret).now()})
    assert ok.status_code == 302
    assert client.get("/account").status_code == 200


def test_the_second_step_keeps_the_next_page(client, make_user):
    user = make_user("staff")
    response = client.post("/login?next=/account", data={"email": user.email, "password": PASSWORD})
    assert response.location == "/login/code?next=/account"
    ok = client.post("/login/code?next=/account", data={"code": pyotp.TOTP(user.totp_secret).now()})
    assert ok.location == "/account"


def test_a_used_code_is_refused_the_next_time(app, client, make_user):
    user = make_user("staff")
    with at_step_start():
        code = pyotp.TOTP(user.totp_secret).now()
        password_step(client, user)
        assert client.post("/login/code", data={"code": code}).status_code == 302
        other = app.test_client()  # someone who overheard the code
        password_step(other, user)
        again = other.post("/login/code", data={"code": code})
        assert again.status_code == 422 and "Deze code is al gebruikt" in again.text
        # So is the code of the step before, which the window would otherwise accept.
        earlier = pyotp.TOTP(user.totp_secret).at(clock.now() - timedelta(seconds=30))
        assert other.post("/login/code", data={"code": earlier}).status_code == 422
        assert other.get("/account").status_code == 302


def test_a_code_one_step_either_side_is_accepted_two_steps_not(app, make_user):
    user = make_user("staff")
    totp = pyotp.TOTP(user.totp_secret)
    with at_step_start():
        for offset, accepted in ((-60, False), (-30, True), (30, True), (60, False)):
            client = app.test_client()
            password_step(client, user)
            code = totp.at(clock.now() + timedelta(seconds=offset))
            response = client.post("/login/code", data={"code": code})
            assert (response.status_code == 302) is accepted, offset


def test_a_recovery_code_works_exactly_once(app, client, make_user):
    user = make_user("landlord", two_factor=True)
    codes = two_factor.new_recovery_codes(user)
    db.session.commit()
    password_step(client, user)
    response = client.post("/login/code", data={"code": codes[3].upper()})
    assert response.status_code == 302
    assert "nog 9 over" in client.get("/").text  # the flash says how many are left
    assert client.get("/account").status_code == 200
    other = app.test_client()
    password_step(other, user)
    again = other.post("/login/code", data={"code": codes[3]})
    assert again.status_code == 422 and "Deze code klopt niet." in again.text
    assert other.post("/login/code", data={"code": codes[4]}).status_code == 302
    used = sa.select(AuditEvent).where(AuditEvent.action == "user.recovery_code_used")
    assert len(db.session.scalars(used).all()) == 2


def test_the_pending_login_expires_after_five_minutes(client, make_user):
    user = make_user("staff")
    password_step(client, user)
    with time_machine.travel(clock.now() + timedelta(seconds=301)):
        code = pyotp.TOTP(user.totp_secret).now()
        response = client.post("/login/code", data={"code": code})
        assert response.location == "/login"
        assert "Je inlogpoging is verlopen" in client.get("/login").text
        assert client.get("/account").status_code == 302


def test_without_a_password_step_there_is_nothing_to_verify(client, make_user):
    make_user("staff")
    assert client.get("/login/code").location == "/login"
    assert client.post("/login/code", data={"code": "123456"}).location == "/login"


def test_the_second_step_is_rate_limited(client, make_user):
    user = make_user("staff")
    password_step(client, user)
    answers = [client.post("/login/code", data={"code": "000000"}).status_code for _ in range(6)]
    assert answers == [422] * 5 + [429]


# Remember-me ----------------------------------------------------------------------------------


def test_remember_me_is_set_only_after_the_second_step(app, client, make_user):
    user = make_user("staff")
    password_step(client, user, remember="y")
    assert client.get_cookie("remember_token") is None
    client.post("/login/code", data={"code": pyotp.TOTP(user.totp_secret).now()})
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    # The cookie alone (a new browser session) restores the login.
    restored = app.test_client()
    restored.set_cookie("remember_token", cookie.value)
    assert restored.get("/account").status_code == 200


def test_a_remember_cookie_from_before_enrolment_no_longer_logs_in(app, client, make_user):
    user = make_user("landlord")
    password_step(client, user, remember="y")
    cookie = client.get_cookie("remember_token").value
    enrol(client, user)
    stolen = app.test_client()
    stolen.set_cookie("remember_token", cookie)
    assert stolen.get("/account").status_code == 302


# Managing it ------------------------------------------------------------------------------------


def test_new_recovery_codes_need_a_current_code(client, login, make_user):
    user = make_user("landlord")
    login(user)
    old = enrol(client, user)
    refused = client.post("/account/two-factor/recovery-codes", data={"new-code": old[0]})
    assert refused.status_code == 422  # a recovery code is not a current code
    with time_machine.travel(clock.now() + timedelta(seconds=30)):
        code = pyotp.TOTP(fresh(user).totp_secret).now()
        response = client.post("/account/two-factor/recovery-codes", data={"new-code": code})
    assert response.status_code == 200
    new = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.text)
    assert len(new) == 10 and not set(new) & set(old)
    assert two_factor.recovery_codes_left(fresh(user)) == 10


def test_switching_off_needs_password_and_code(client, login, make_user):
    user = make_user("landlord")
    login(user)
    codes = enrol(client, user)
    wrong = client.post(
        "/account/two-factor/disable", data={"off-password": "Verkeerd-1234", "off-code": codes[0]}
    )
    assert wrong.status_code == 422 and "Je huidige wachtwoord is niet juist." in wrong.text
    no_code = client.post(
        "/account/two-factor/disable", data={"off-password": PASSWORD, "off-code": "000000"}
    )
    assert no_code.status_code == 422
    assert fresh(user).two_factor_enabled
    response = client.post(
        "/account/two-factor/disable", data={"off-password": PASSWORD, "off-code": codes[0]}
    )
    assert response.status_code == 302
    assert not fresh(user).two_factor_enabled
    assert db.session.scalar(sa.select(sa.func.count(RecoveryCode.id))) == 0
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_who_must_have_it_cannot_switch_it_off(client, make_user, make_org, role):
    user = make_org().test_staff if role == "staff" else make_user("admin")
    log_in(client, user)
    page = client.get("/account/two-factor")
    assert "Twee-stapsverificatie uitzetten" not in page.text
    code = two_factor.new_recovery_codes(user)[0]
    db.session.commit()
    response = client.post(
        "/account/two-factor/disable", data={"off-password": PASSWORD, "off-code": code}
    )
    assert response.status_code == 422 and "kunt die niet uitzetten" in response.text
    assert fresh(user).two_factor_enabled


def test_the_account_pages_need_a_login(client):
    for url in ("/account/two-factor",):
        assert client.get(url).status_code == 302
    for url in ("enable", "recovery-codes", "disable"):
        assert client.post(f"/account/two-factor/{url}").status_code == 302


# Required before money moves --------------------------------------------------------------------

pytestmark_money = pytest.mark.clock("2026-12-10T10:00")


@pytestmark_money
def test_staff_without_it_are_stopped_before_approving_a_settlement(
    ctx, client, login, collective, place
):
    _placement, _invoice, settlement = settled(collective, place)
    staff = collective.staff
    staff.totp_secret = staff.totp_enabled_at = None
    db.session.commit()
    login(staff)
    response = client.post(f"/settlements/{settlement.id}/approve")
    assert response.location == "/account/two-factor"
    assert "is twee-stapsverificatie nodig" in client.get("/account/two-factor").text
    db.session.refresh(settlement)
    assert settlement.status == SettlementStatus.CALCULATED
    for url in (
        f"/settlements/{settlement.id}/payouts/sepa",
        "/payout-batches/1/executed",
        "/payout-batches/1/rejected",
        "/fund/1/approve",
        "/subsidies/applications/1/grant",
        "/subsidies/applications/1/settle",
    ):
        assert client.post(url).location == "/account/two-factor", url
    enrol(client, staff)
    assert client.post(f"/settlements/{settlement.id}/approve").status_code == 302
    db.session.refresh(settlement)
    assert settlement.status == SettlementStatus.APPROVED


@pytestmark_money
def test_with_require_2fa_off_nobody_is_stopped(
    app, ctx, client, login, collective, place, monkeypatch
):
    _placement, _invoice, settlement = settled(collective, place)
    staff = collective.staff
    staff.totp_secret = staff.totp_enabled_at = None
    db.session.commit()
    monkeypatch.setitem(app.config, "REQUIRE_2FA", False)
    login(staff)
    client.post(f"/settlements/{settlement.id}/approve")
    db.session.refresh(settlement)
    assert settlement.status == SettlementStatus.APPROVED


def test_people_who_need_none_get_the_usual_refusal(client, login, make_user):
    login(make_user("starter"))
    assert client.post("/subsidies/applications/1/grant").status_code == 404
    assert client.get("/admin/organisations").status_code == 403


def test_a_platform_admin_without_it_is_sent_to_set_it_up(client, login, make_user):
    admin = make_user("admin", two_factor=False)
    login(admin)
    assert client.get("/admin/organisations").location == "/account/two-factor"
    enrol(client, admin)
    assert client.get("/admin/organisations").status_code == 200


def test_required_users_are_reminded_at_login(client, make_user):
    staff = make_user("admin", two_factor=False)
    password_step(client, staff)
    assert "Je rol vraagt om twee-stapsverificatie" in client.get("/").text


# The operator's reset ---------------------------------------------------------------------------


def test_reset_2fa_switches_it_off_ends_sessions_and_is_audited(app, runner, make_user):
    user = make_user("admin")
    device = app.test_client()
    log_in(device, user)
    token = user.session_token
    result = runner.invoke(args=["users", "reset-2fa", user.email.upper()])
    assert result.exit_code == 0, result.output
    user = fresh(user)
    assert not user.two_factor_enabled and user.totp_secret is None
    assert user.session_token != token
    assert device.get("/account").status_code == 302
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.subject_id == user.id, AuditEvent.action == "user.two_factor_reset"
        )
    )
    assert event is not None and event.actor_id is None
    # Back in with the password alone; the admin area asks to set it up again.
    client = app.test_client()
    assert password_step(client, user).location == "/"
    assert client.get("/admin/organisations").location == "/account/two-factor"


def test_reset_2fa_refuses_unknown_and_unenrolled_accounts(runner, make_user):
    starter = make_user("starter")
    assert runner.invoke(args=["users", "reset-2fa", "niemand@example.nl"]).exit_code != 0
    result = runner.invoke(args=["users", "reset-2fa", starter.email])
    assert result.exit_code != 0 and "no two-step verification" in result.output


def test_deleting_the_account_removes_the_secret_and_the_codes(make_user):
    user = make_user("landlord", two_factor=True)
    two_factor.new_recovery_codes(user)
    delete_account(user, PASSWORD)
    db.session.commit()
    user = fresh(user)
    assert user.totp_secret is None and not user.two_factor_enabled
    assert db.session.scalar(sa.select(sa.func.count(RecoveryCode.id))) == 0
