"""Writes of the duty system: keyword-only, typed, one transaction each, attributed to `acting_user`.

Refusals are `ValidationError(MSG_..., code=...)`; tests import the messages. Events (contacts, shifts,
cases) dated after today are refused; every recorded event can be corrected and withdrawn with a reason
(`DutyCorrection`, shown on the executive's page), the whole history re-checked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import audit, clock
from core.models import ConcurrentEditError
from core.roles import Role
from duties.models import (
    CASE_MACHINE,
    REFERRAL_MACHINE,
    SUGGESTION_MACHINE,
    SWAP_MACHINE,
    Attendance,
    CalendarFeed,
    CaseEntry,
    ContactAssignment,
    ContactLog,
    DutyCorrection,
    DutySettings,
    ExchangeMeeting,
    Executive,
    HotlineCase,
    MeetingAttachment,
    MeetingSeries,
    Referral,
    Shift,
    ShiftSwap,
    Suggestion,
)

MSG_IN_FUTURE = _("日期不能晚于今天。")
MSG_PERSON_OTHER_FEDERATION = _("该人员不属于本妇联。")
MSG_ALREADY_EXECUTIVE = _("该人员已是在任执委。")
MSG_END_BEFORE_START = _("离任日期不能早于任职日期。")
MSG_ALREADY_ENDED = _("该记录已经结束。")
MSG_TARGET_REQUIRED = _("请选择或填写联系对象。")
MSG_TARGET_OTHER_FEDERATION = _("联系对象不属于本妇联。")
MSG_ASSIGNED_BEFORE_START = _("分工日期不能早于执委任职日期。")
MSG_ASSIGNMENT_DUPLICATE = _("该执委已分工联系这一对象。")
MSG_EXECUTIVE_ENDED = _("该执委已离任。")
MSG_BEFORE_ASSIGNMENT = _("联系日期不能早于分工日期。")
MSG_AFTER_ASSIGNMENT_END = _("联系日期不能晚于分工结束日期。")
MSG_FOLLOW_UP_BEFORE_CONTACT = _("跟进期限不能早于联系日期。")
MSG_FOLLOW_UP_OPEN = _("该联系对象还有一项未完成的跟进，请先完成或在本次联系中联系上对方。")
MSG_SUBJECT_REQUIRED = _("请填写事由。")
MSG_REASON_REQUIRED = _("请填写原因。")
MSG_WITHDRAWN = _("该记录已撤销。")


def _not_in_future(day: dt.date, field: str = "date") -> None:
    if day > clock.today():
        raise ValidationError(MSG_IN_FUTURE, code="in_future", params={"field": field})


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError(MSG_REASON_REQUIRED, code="reason_required")
    return reason.strip()[:500]


def note_correction(
    *, executive: Executive, obj: Any, kind: str, summary: str, reason: str, acting_user: Any | None
) -> DutyCorrection:
    by = acting_user if getattr(acting_user, "pk", None) else None
    correction = DutyCorrection(
        federation_id=executive.federation_id,
        executive=executive,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        kind=kind,
        summary=summary[:500],
        reason=reason,
        by=by,
    )
    correction.save()
    return correction


# ------------------------------------------------------------------------------------------ executives
def executive_appoint(
    *,
    federation: Any,
    person: Any,
    started_on: dt.date,
    board: str = Executive.Board.FEDERATION,
    unit: Any | None = None,
    acting_user: Any | None = None,
) -> Executive:
    """Appoints a person executive (执委) of the federation's or a unit committee's board."""
    _not_in_future(started_on, "started_on")
    if person.federation_id != federation.pk:
        raise ValidationError(MSG_PERSON_OTHER_FEDERATION, code="person_other_federation")
    unit = unit if unit is not None else person.unit
    if unit is not None and unit.federation_id != federation.pk:
        raise ValidationError(MSG_TARGET_OTHER_FEDERATION, code="unit_other_federation")
    with audit.attributed_to(acting_user), transaction.atomic():
        if Executive.objects.filter(person=person, ended_on__isnull=True).exists():
            raise ValidationError(MSG_ALREADY_EXECUTIVE, code="already_executive")
        executive = Executive(
            federation_id=federation.pk, person=person, unit=unit, board=board, started_on=started_on
        )
        executive.save()
        return executive


def executive_end(*, executive: Executive, ended_on: dt.date, acting_user: Any | None = None) -> Executive:
    _not_in_future(ended_on, "ended_on")
    if executive.ended_on is not None:
        raise ValidationError(MSG_ALREADY_ENDED, code="already_ended")
    if ended_on < executive.started_on:
        raise ValidationError(MSG_END_BEFORE_START, code="end_before_start")
    with audit.attributed_to(acting_user), transaction.atomic():
        executive.ended_on = ended_on
        executive.save()
        return executive


# -------------------------------------------------------------------------------------- assignments
def assignment_create(
    *,
    executive: Executive,
    kind: str,
    assigned_on: dt.date,
    unit: Any | None = None,
    community: Any | None = None,
    group_name: str = "",
    family_name: str = "",
    family_phone: str = "",
    family_address: str = "",
    acting_user: Any | None = None,
) -> ContactAssignment:
    """Assigns an executive a unit, community, women's group or family to keep in touch with (分工联系)."""
    _not_in_future(assigned_on, "assigned_on")
    if executive.ended_on is not None:
        raise ValidationError(MSG_EXECUTIVE_ENDED, code="executive_ended")
    if assigned_on < executive.started_on:
        raise ValidationError(MSG_ASSIGNED_BEFORE_START, code="assigned_before_start")
    K = ContactAssignment.Kind
    target: Any = {K.UNIT: unit, K.COMMUNITY: community}.get(kind)  # type: ignore[call-overload]
    if kind in (K.UNIT, K.COMMUNITY):
        if target is None:
            raise ValidationError(MSG_TARGET_REQUIRED, code="target_required")
        if target.federation_id != executive.federation_id:
            raise ValidationError(MSG_TARGET_OTHER_FEDERATION, code="target_other_federation")
    elif kind == K.GROUP and not group_name.strip():
        raise ValidationError(MSG_TARGET_REQUIRED, code="target_required")
    elif kind == K.FAMILY and not family_name.strip():
        raise ValidationError(MSG_TARGET_REQUIRED, code="target_required")
    with audit.attributed_to(acting_user), transaction.atomic():
        active = ContactAssignment.objects.filter(executive=executive, kind=kind, ended_on__isnull=True)
        duplicate = (
            (kind == K.UNIT and active.filter(unit=unit).exists())
            or (kind == K.COMMUNITY and active.filter(community=community).exists())
            or (kind == K.GROUP and active.filter(group_name=group_name.strip()).exists())
        )
        if duplicate:
            raise ValidationError(MSG_ASSIGNMENT_DUPLICATE, code="duplicate")
        assignment = ContactAssignment(
            federation_id=executive.federation_id,
            executive=executive,
            kind=kind,
            assigned_on=assigned_on,
            unit=unit if kind == K.UNIT else None,
            community=community if kind == K.COMMUNITY else None,
            group_name=group_name.strip() if kind == K.GROUP else "",
            family_name=family_name.strip() if kind == K.FAMILY else "",
            family_phone=family_phone.strip() if kind == K.FAMILY else "",
            family_address=family_address.strip() if kind == K.FAMILY else "",
        )
        assignment.save()
        return assignment


def assignment_end(
    *, assignment: ContactAssignment, ended_on: dt.date, acting_user: Any | None = None
) -> ContactAssignment:
    _not_in_future(ended_on, "ended_on")
    if assignment.ended_on is not None:
        raise ValidationError(MSG_ALREADY_ENDED, code="already_ended")
    if ended_on < assignment.assigned_on:
        raise ValidationError(MSG_END_BEFORE_START, code="end_before_start")
    last = ContactLog.objects.standing().filter(assignment=assignment).order_by("-contacted_on").first()
    if last is not None and last.contacted_on > ended_on:
        raise ValidationError(MSG_AFTER_ASSIGNMENT_END, code="after_assignment_end")
    with audit.attributed_to(acting_user), transaction.atomic():
        assignment.ended_on = ended_on
        assignment.save()
        return assignment


MSG_REVEAL_REASON = _("请填写查看原因（将记入审计日志）。")
MSG_NOT_FAMILY = _("只有家庭联系对象有个人信息。")


def mask_phone(value: str) -> str:
    digits = value.strip()
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else ("*" * len(digits))


def mask_address(value: str) -> str:
    v = value.strip()
    return f"{v[:3]}{'*' * max(len(v) - 3, 1)}" if v else ""


def assignment_reveal(
    *, assignment: ContactAssignment, reason: str, acting_user: Any | None = None
) -> dict[str, str]:
    """A family's name, phone and address in full, for a stated reason that goes to the audit log (the
    log names the assignment and the reason, never the details)."""
    if assignment.kind != ContactAssignment.Kind.FAMILY:
        raise ValidationError(MSG_NOT_FAMILY, code="not_family")
    why = reason.strip()
    if not why:
        raise ValidationError(MSG_REVEAL_REASON, code="reason_required")
    with audit.attributed_to(acting_user):
        audit.record(
            "read_personal_info",
            obj=assignment,
            detail=f"查看家庭联系人姓名、电话、住址；原因：{why}"[:500],
        )
    return {
        "name": assignment.family_name,
        "phone": assignment.family_phone,
        "address": assignment.family_address,
    }


# ------------------------------------------------------------------------------------- contact logs
def _check_log(
    *,
    assignment: ContactAssignment,
    contacted_on: dt.date,
    subject: str,
    follow_up_due: dt.date | None,
    reached: bool,
    exclude_pk: int | None = None,
) -> None:
    """The rules of one contact, against the assignment and its other standing logs."""
    _not_in_future(contacted_on, "contacted_on")
    if not subject.strip():
        raise ValidationError(MSG_SUBJECT_REQUIRED, code="subject_required")
    if contacted_on < assignment.assigned_on:
        raise ValidationError(MSG_BEFORE_ASSIGNMENT, code="before_assignment")
    if assignment.ended_on is not None and contacted_on > assignment.ended_on:
        raise ValidationError(MSG_AFTER_ASSIGNMENT_END, code="after_assignment_end")
    if follow_up_due is not None and follow_up_due < contacted_on:
        raise ValidationError(MSG_FOLLOW_UP_BEFORE_CONTACT, code="follow_up_before_contact")
    if follow_up_due is not None and not reached:
        others = ContactLog.objects.standing().filter(
            assignment=assignment, follow_up_due__isnull=False, follow_up_done_on__isnull=True
        )
        if exclude_pk is not None:
            others = others.exclude(pk=exclude_pk)
        if others.exists():
            raise ValidationError(MSG_FOLLOW_UP_OPEN, code="follow_up_open")


def contact_log_record(
    *,
    assignment: ContactAssignment,
    contacted_on: dt.date,
    way: str,
    subject: str,
    reached: bool = True,
    notes: str = "",
    follow_up_due: dt.date | None = None,
    acting_user: Any | None = None,
) -> ContactLog:
    """Records a contact with an assigned unit, community, group or family.

    One open follow-up per contact: a contact that reached the other side completes the open follow-up of
    an earlier one; asking a new follow-up while one is open and unreached is refused.
    """
    _check_log(
        assignment=assignment,
        contacted_on=contacted_on,
        subject=subject,
        follow_up_due=follow_up_due,
        reached=reached,
    )
    with audit.attributed_to(acting_user), transaction.atomic():
        if reached:
            for earlier in ContactLog.objects.standing().filter(
                assignment=assignment,
                follow_up_due__isnull=False,
                follow_up_done_on__isnull=True,
                contacted_on__lte=contacted_on,
            ):
                earlier.follow_up_done_on = contacted_on
                earlier.save()
        log = ContactLog(
            federation_id=assignment.federation_id,
            assignment=assignment,
            executive_id=assignment.executive_id,
            contacted_on=contacted_on,
            way=way,
            reached=reached,
            subject=subject.strip()[:200],
            notes=notes.strip(),
            follow_up_due=follow_up_due,
        )
        log.save()
        return log


def contact_log_correct(
    *,
    log: ContactLog,
    reason: str,
    contacted_on: dt.date,
    way: str,
    subject: str,
    reached: bool,
    notes: str = "",
    follow_up_due: dt.date | None = None,
    acting_user: Any | None = None,
) -> ContactLog:
    """Corrects a recorded contact (更正), re-checked like a new one, with the reason kept."""
    why = _reason(reason)
    if log.withdrawn_on is not None:
        raise ValidationError(MSG_WITHDRAWN, code="withdrawn")
    _check_log(
        assignment=log.assignment,
        contacted_on=contacted_on,
        subject=subject,
        follow_up_due=follow_up_due,
        reached=reached,
        exclude_pk=log.pk,
    )
    before = f"{log.contacted_on.isoformat()} {log.get_way_display()} {log.subject}"
    with audit.attributed_to(acting_user), transaction.atomic():
        log.contacted_on, log.way, log.subject, log.reached = (
            contacted_on,
            way,
            subject.strip()[:200],
            reached,
        )
        log.notes, log.follow_up_due = notes.strip(), follow_up_due
        log.save()
        after = f"{log.contacted_on.isoformat()} {log.get_way_display()} {log.subject}"
        note_correction(
            executive=log.executive,
            obj=log,
            kind=DutyCorrection.Kind.CORRECT,
            summary=f"{_('联系记录')}：{before} → {after}",
            reason=why,
            acting_user=acting_user,
        )
        return log


def contact_log_withdraw(*, log: ContactLog, reason: str, acting_user: Any | None = None) -> ContactLog:
    """Withdraws a recorded contact (撤销登记): it no longer counts anywhere, as if it never happened."""
    why = _reason(reason)
    if log.withdrawn_on is not None:
        raise ValidationError(MSG_WITHDRAWN, code="withdrawn")
    with audit.attributed_to(acting_user), transaction.atomic():
        log.withdrawn_on = clock.today()
        log.withdrawn_reason = why
        log.save()
        note_correction(
            executive=log.executive,
            obj=log,
            kind=DutyCorrection.Kind.WITHDRAW,
            summary=f"{_('联系记录')}：{log.contacted_on.isoformat()} {log.subject}",
            reason=why,
            acting_user=acting_user,
        )
        return log


# ---------------------------------------------------------------------------- per-federation settings
MSG_SETTING_RANGE = _("%(label)s 应在 %(low)s 至 %(high)s 之间。")
SETTING_RANGES: dict[str, tuple[int, int]] = {
    "no_contact_days": (7, 730),
    "required_shifts": (0, 365),
    "case_retention_years": (1, 30),
}


def duty_settings_save(
    *,
    federation: Any,
    no_contact_days: int,
    required_shifts: int,
    case_retention_years: int,
    version: int | None = None,
    acting_user: Any | None = None,
) -> DutySettings:
    """Sets a federation's "no contact in N days", shifts required per executive a year and the retention
    of hotline case contents (each within its range).

    `version` is the one the editor read (`settings_version`: 0 while the federation has the defaults);
    if someone saved in between, nothing is written (ConcurrentEditError)."""
    values = {
        "no_contact_days": no_contact_days,
        "required_shifts": required_shifts,
        "case_retention_years": case_retention_years,
    }
    for name, value in values.items():
        low, high = SETTING_RANGES[name]
        if not low <= value <= high:
            label = getattr(DutySettings._meta.get_field(name), "verbose_name", name)
            raise ValidationError(
                MSG_SETTING_RANGE,
                code="out_of_range",
                params={"label": label, "low": low, "high": high, "field": name},
            )
    with audit.attributed_to(acting_user), transaction.atomic():
        row = DutySettings.of(federation.pk)
        if version is not None and version != settings_version(row):
            raise ConcurrentEditError()
        for name, value in values.items():
            setattr(row, name, value)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            # Another editor created the federation's row first.
            raise ConcurrentEditError() from None
        return row


def settings_version(row: DutySettings) -> int:
    """The version an editor of the settings holds: 0 for the defaults of a federation without a row."""
    return row.version if row.pk else 0


# ------------------------------------------------------------------------------------------ roster
MSG_SHIFT_TIMES = _("结束时间须晚于开始时间。")
MSG_SHIFT_TAKEN = _("该班次已有执委值班。")
MSG_SHIFT_PAST = _("该班次已经过去。")
MSG_NOT_IN_OFFICE = _("该执委在值班日期不在任。")
MSG_OTHER_FEDERATION = _("不属于本妇联。")
MSG_NO_EXECUTIVE = _("该班次还没有值班执委。")
MSG_CHECK_IN_DAY = _("只能在值班当天签到。")
MSG_CHECKED_IN = _("已经签到。")
MSG_SWAP_OPEN = _("该班次已有一个未完成的调班申请。")
MSG_OFFER_EXPIRED = _("该调班申请已过期：班次已经开始。")
MSG_TAKE_OWN = _("不能接自己提出的调班。")
MSG_NOT_EXECUTIVE = _("您不是本妇联的在任执委。")
MSG_DOUBLE_BOOKED = _("接班执委在同一时段已有值班。")


def _in_office(executive: Executive, day: dt.date) -> bool:
    return executive.started_on <= day and (executive.ended_on is None or executive.ended_on >= day)


def _check_free(executive: Executive, shift: Shift) -> None:
    clash = Shift.objects.filter(
        executive=executive, on=shift.on, starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at
    ).exclude(pk=shift.pk)
    if clash.exists():
        raise ValidationError(MSG_DOUBLE_BOOKED, code="double_booked")


def shift_publish(
    *,
    federation: Any,
    on: dt.date,
    starts_at: dt.time,
    ends_at: dt.time,
    desk: str = "hotline",
    executive: Executive | None = None,
    acting_user: Any | None = None,
) -> Shift:
    """Publishes a shift on the roster (值班表), open or with an executive on it."""
    if ends_at <= starts_at:
        raise ValidationError(MSG_SHIFT_TIMES, code="shift_times")
    shift = Shift(federation_id=federation.pk, on=on, starts_at=starts_at, ends_at=ends_at, desk=desk)
    if executive is not None:
        if executive.federation_id != federation.pk:
            raise ValidationError(MSG_OTHER_FEDERATION, code="other_federation")
        if not _in_office(executive, on):
            raise ValidationError(MSG_NOT_IN_OFFICE, code="not_in_office")
        _check_free(executive, shift)
        shift.executive = executive
    with audit.attributed_to(acting_user), transaction.atomic():
        shift.save()
        return shift


def shift_assign(*, shift: Shift, executive: Executive, acting_user: Any | None = None) -> Shift:
    """Puts an executive on a shift (staff assigning it, or an executive signing up for an open one)."""
    if shift.on < clock.today():
        raise ValidationError(MSG_SHIFT_PAST, code="shift_past")
    if executive.federation_id != shift.federation_id:
        raise ValidationError(MSG_OTHER_FEDERATION, code="other_federation")
    if not _in_office(executive, shift.on):
        raise ValidationError(MSG_NOT_IN_OFFICE, code="not_in_office")
    _check_free(executive, shift)
    with audit.attributed_to(acting_user), transaction.atomic():
        if shift.executive_id is not None and shift.executive_id != executive.pk and shift.checked_in_at:
            raise ValidationError(MSG_CHECKED_IN, code="checked_in")
        shift.executive = executive
        shift.save()
        return shift


def shift_sign_up(*, shift: Shift, executive: Executive, acting_user: Any | None = None) -> Shift:
    if shift.executive_id is not None:
        raise ValidationError(MSG_SHIFT_TAKEN, code="shift_taken")
    return shift_assign(shift=shift, executive=executive, acting_user=acting_user)


def shift_check_in(*, shift: Shift, at: dt.datetime | None = None, acting_user: Any | None = None) -> Shift:
    """Check-in at the start of a shift, on its day; `at` records one from the desk's sign-in sheet later
    (it must fall on the shift's day, not in the future)."""
    from django.utils import timezone

    if shift.executive_id is None:
        raise ValidationError(MSG_NO_EXECUTIVE, code="no_executive")
    day = timezone.localtime(at).date() if at is not None else clock.today()
    if shift.on != day or (at is not None and at > timezone.now()):
        raise ValidationError(MSG_CHECK_IN_DAY, code="check_in_day")
    if shift.checked_in_at is not None:
        raise ValidationError(MSG_CHECKED_IN, code="checked_in")
    with audit.attributed_to(acting_user), transaction.atomic():
        shift.checked_in_at = at or timezone.now()
        shift.save()
        return shift


def swap_offer(*, shift: Shift, note: str = "", acting_user: Any | None = None) -> ShiftSwap:
    """The executive on a shift offers it to the others (调班)."""
    if shift.executive_id is None:
        raise ValidationError(MSG_NO_EXECUTIVE, code="no_executive")
    if shift.on < clock.today() or shift.checked_in_at is not None:
        raise ValidationError(MSG_SHIFT_PAST, code="shift_past")
    with audit.attributed_to(acting_user), transaction.atomic():
        if ShiftSwap.objects.filter(shift=shift, status__in=("offered", "taken")).exists():
            raise ValidationError(MSG_SWAP_OPEN, code="swap_open")
        swap = ShiftSwap(
            federation_id=shift.federation_id,
            shift=shift,
            offered_by_id=shift.executive_id,
            note=note.strip()[:200],
        )
        swap.save()
        return swap


def swap_is_expired(swap: ShiftSwap, today: dt.date | None = None) -> bool:
    """An offer nobody took (or staff did not approve) lapses once its shift's day has passed."""
    return swap.status in ("offered", "taken") and swap.shift.on < (today or clock.today())


def swap_take(*, swap: ShiftSwap, executive: Executive, acting_user: Any | None = None) -> ShiftSwap:
    if swap.shift.on < clock.today():
        raise ValidationError(MSG_OFFER_EXPIRED, code="expired")
    if executive.pk == swap.offered_by_id:
        raise ValidationError(MSG_TAKE_OWN, code="take_own")
    if executive.federation_id != swap.federation_id:
        raise ValidationError(MSG_OTHER_FEDERATION, code="other_federation")
    if not _in_office(executive, swap.shift.on):
        raise ValidationError(MSG_NOT_IN_OFFICE, code="not_in_office")
    _check_free(executive, swap.shift)
    SWAP_MACHINE.check(swap, "take")
    with audit.attributed_to(acting_user), transaction.atomic():
        swap.taken_by = executive
        SWAP_MACHINE.move(swap, "take", acting_user=acting_user)
        return swap


def swap_approve(*, swap: ShiftSwap, acting_user: Any | None = None) -> ShiftSwap:
    """Staff approve a taken swap: the taker is on the shift from now on (and is counted for it)."""
    if swap.shift.on < clock.today():
        raise ValidationError(MSG_OFFER_EXPIRED, code="expired")
    SWAP_MACHINE.check(swap, "approve")
    if swap.taken_by is not None:
        _check_free(swap.taken_by, swap.shift)
    with audit.attributed_to(acting_user), transaction.atomic():
        shift = swap.shift
        shift.executive_id = swap.taken_by_id
        shift.save()
        SWAP_MACHINE.move(swap, "approve", acting_user=acting_user)
        return swap


def swap_reject(*, swap: ShiftSwap, reason: str, acting_user: Any | None = None) -> ShiftSwap:
    SWAP_MACHINE.move(swap, "reject", reason=reason, acting_user=acting_user)
    return swap


def swap_withdraw(*, swap: ShiftSwap, acting_user: Any | None = None) -> ShiftSwap:
    SWAP_MACHINE.move(swap, "withdraw", acting_user=acting_user)
    return swap


# ------------------------------------------------------------------------------ calendar feeds
def feed_token_hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_issue(*, executive: Executive, acting_user: Any | None = None) -> tuple[CalendarFeed, str]:
    """A new secret address for the executive's roster feed; the one before it stops working. Returns the
    feed and its token (shown once: only its hash is kept)."""
    import secrets

    from django.utils import timezone

    token = secrets.token_urlsafe(32)
    with audit.attributed_to(acting_user), transaction.atomic():
        for old in CalendarFeed.objects.filter(executive=executive, revoked_at__isnull=True):
            old.revoked_at = timezone.now()
            old.save()
        feed = CalendarFeed(
            federation_id=executive.federation_id, executive=executive, token_hash=feed_token_hash(token)
        )
        feed.save()
        return feed, token


def calendar_feed_revoke(*, executive: Executive, acting_user: Any | None = None) -> int:
    """Stops the executive's feed address (a calendar subscribed to it gets nothing more)."""
    from django.utils import timezone

    with audit.attributed_to(acting_user), transaction.atomic():
        feeds = list(CalendarFeed.objects.filter(executive=executive, revoked_at__isnull=True))
        for feed in feeds:
            feed.revoked_at = timezone.now()
            feed.save()
        return len(feeds)


# ----------------------------------------------------------------------------------- hotline cases
MSG_NOT_ON_DUTY = _("只有当天值班的执委或热线负责人可以登记来电来访。")
MSG_NARRATIVE_REQUIRED = _("请填写来电来访情况。")
MSG_CONSENT_OR_OVERRIDE = _("未经当事人同意的转介须由热线负责人填写理由。")
MSG_RECEIVING_BODY_REQUIRED = _("请填写接收单位。")
MSG_CASE_CLOSED = _("该个案已结案。")
MSG_NOTES_REQUIRED = _("请填写回访情况。")
MSG_CASE_PURGED = _("该个案的内容已在保存期满后清除，不能重新办理。")


def mask_identity(name: str, phone: str) -> str:
    """A surname and the phone's last four digits: what lists show of a caller ("张** ···5678")."""
    shown = f"{name[:1]}{'*' * max(len(name) - 1, 1)}" if name else "—"
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"{shown} ···{digits[-4:]}" if len(digits) >= 4 else shown


def _is_supervisor(user: Any, federation_id: int) -> bool:
    from core.scoping import scope_for

    return scope_for(user).has_in(federation_id, Role.HOTLINE_SUPERVISOR)


def shift_on_duty(user: Any, federation_id: int, day: dt.date) -> Shift | None:
    """The shift the user's executive serves on `day` in that federation, if any."""
    from core.scoping import scope_for

    person_id = scope_for(user).person_id
    if not person_id:
        return None
    return (
        Shift.objects.filter(
            federation_id=federation_id,
            on=day,
            executive__person_id=person_id,
            executive__ended_on__isnull=True,
        )
        .select_related("executive")
        .first()
    )


def _notify_supervisors(case: HotlineCase) -> None:
    """An urgent case: the federation's hotline supervisors hear of it at once (in-app, e-mail, SMS log);
    the notice names the case's number and category, never its contents."""
    from accounts.models import RoleAssignment
    from core.notify import notify

    title = str(_("紧急个案 #%(n)s（%(category)s）：请立即处理")) % {
        "n": case.pk,
        "category": case.get_category_display(),
    }
    url = reverse("duties:case-detail", args=[case.pk])
    holders = RoleAssignment.objects.filter(
        federation_id=case.federation_id, role=Role.HOTLINE_SUPERVISOR, user__is_active=True
    ).select_related("user")
    for holder in holders:
        notify(
            recipient=holder.user,
            federation_id=case.federation_id,
            kind="case_urgent",
            title=title,
            dedup_key=f"case-urgent:{case.pk}",
            url=url,
            sms=True,
        )


def case_intake(
    *,
    federation: Any,
    category: str,
    narrative: str,
    caller_name: str = "",
    caller_phone: str = "",
    caller_address: str = "",
    channel: str = "call",
    urgent: bool = False,
    acting_user: Any,
) -> HotlineCase:
    """Registers a call or visit, by the executive on duty or a hotline supervisor (who becomes the taker).

    A call from a number that already has an open case the taker may read joins that case (a repeat call,
    CaseEntry); otherwise it is a new case. An urgent case notifies the supervisors at once.
    """
    today = clock.today()
    if not narrative.strip():
        raise ValidationError(MSG_NARRATIVE_REQUIRED, code="narrative_required")
    shift = shift_on_duty(acting_user, federation.pk, today)
    if shift is None and not _is_supervisor(acting_user, federation.pk):
        raise ValidationError(MSG_NOT_ON_DUTY, code="not_on_duty")
    with audit.attributed_to(acting_user), transaction.atomic():
        existing = None
        if caller_phone.strip():
            existing = (
                HotlineCase.objects.permitted(acting_user, "change")
                .by_phone(caller_phone)
                .filter(federation_id=federation.pk)
                .exclude(status="closed")
                .order_by("-pk")
                .first()
            )
        if existing is not None:
            CaseEntry(
                federation_id=federation.pk,
                case=existing,
                kind=CaseEntry.Kind.CALL,
                on=today,
                notes=narrative.strip(),
                by=acting_user,
            ).save()
            if urgent and not existing.urgent:
                existing.urgent = True
                existing.save()
                transaction.on_commit(lambda: _notify_supervisors(existing))
            return existing
        case = HotlineCase(
            federation_id=federation.pk,
            taker=acting_user,
            executive=shift.executive if shift else None,
            shift=shift,
            received_on=today,
            channel=channel,
            category=category,
            urgent=urgent,
            caller_name=caller_name.strip(),
            caller_phone=caller_phone.strip(),
            caller_address=caller_address.strip(),
            narrative=narrative.strip(),
            masked_identity=mask_identity(caller_name.strip(), caller_phone.strip()),
        )
        case.save()
        if urgent:
            transaction.on_commit(lambda: _notify_supervisors(case))
        return case


def case_move(
    *, case: HotlineCase, transition: str, reason: str = "", acting_user: Any | None = None
) -> HotlineCase:
    """Moves a case along its lifecycle (every step dated and attributed in its timeline)."""
    if transition == "reopen" and case.purged_on is not None:
        raise ValidationError(MSG_CASE_PURGED, code="case_purged")
    with audit.attributed_to(acting_user), transaction.atomic():
        if transition == "close":
            case.closed_on = clock.today()
        elif transition == "reopen":
            case.closed_on = None
        CASE_MACHINE.move(case, transition, reason=reason, acting_user=acting_user)
        return case


def case_follow_up(*, case: HotlineCase, on: dt.date, notes: str, acting_user: Any) -> CaseEntry:
    """Records a follow-up (回访) of a case; a referred case moves to 回访中."""
    _not_in_future(on, "on")
    if case.status == "closed":
        raise ValidationError(MSG_CASE_CLOSED, code="case_closed")
    if not notes.strip():
        raise ValidationError(MSG_NOTES_REQUIRED, code="notes_required")
    with audit.attributed_to(acting_user), transaction.atomic():
        entry = CaseEntry(
            federation_id=case.federation_id,
            case=case,
            kind=CaseEntry.Kind.FOLLOW_UP,
            on=on,
            notes=notes.strip(),
            by=acting_user,
        )
        entry.save()
        if CASE_MACHINE.can(case, "follow_up"):
            CASE_MACHINE.move(case, "follow_up", acting_user=acting_user)
        return entry


def referral_create(
    *,
    case: HotlineCase,
    body: str,
    receiving_body: str,
    consent: bool,
    override_reason: str = "",
    follow_up_on: dt.date | None = None,
    acting_user: Any,
) -> Referral:
    """Refers a case (转介). Consent is recorded; without it the supervisor states why (an override)."""
    if case.status == "closed":
        raise ValidationError(MSG_CASE_CLOSED, code="case_closed")
    if not receiving_body.strip():
        raise ValidationError(MSG_RECEIVING_BODY_REQUIRED, code="receiving_body_required")
    if not consent and (not override_reason.strip() or not _is_supervisor(acting_user, case.federation_id)):
        raise ValidationError(MSG_CONSENT_OR_OVERRIDE, code="consent_or_override")
    today = clock.today()
    with audit.attributed_to(acting_user), transaction.atomic():
        referral = Referral(
            federation_id=case.federation_id,
            case=case,
            body=body,
            receiving_body=receiving_body.strip()[:100],
            referred_on=today,
            consent=consent,
            override_reason="" if consent else override_reason.strip()[:500],
            follow_up_on=follow_up_on,
        )
        referral.save()
        if case.status != "referred":
            CASE_MACHINE.move(case, "refer", acting_user=acting_user)
        return referral


def referral_move(
    *, referral: Referral, transition: str, reason: str = "", acting_user: Any | None = None
) -> Referral:
    REFERRAL_MACHINE.move(referral, transition, reason=reason, acting_user=acting_user)
    return referral


MSG_EXPORT_REASON = _("导出个案内容须填写原因。")
MSG_EXPORT_SUPERVISOR = _("只有热线负责人可以导出个案内容。")
MSG_EXPORT_RANGE = _("开始日期不能晚于结束日期。")


def case_export_rows(
    *, user: Any, federation_id: int, reason: str, start: dt.date, end: dt.date
) -> list[list[Any]]:
    """The contents of the cases received in [start, end] that a hotline supervisor may read, decrypted for
    an export (issue #10 §4: supervisors only, with a reason, audited: one export event with the reason and
    the count, and each decryption as every read is). Purged cases give their statistics fields only."""
    from core import confidential

    if not _is_supervisor(user, federation_id):
        raise ValidationError(MSG_EXPORT_SUPERVISOR, code="not_supervisor")
    if not reason.strip():
        raise ValidationError(MSG_EXPORT_REASON, code="reason_required")
    if start > end:
        raise ValidationError(MSG_EXPORT_RANGE, code="range")
    purpose = str(_("导出个案内容：%(reason)s")) % {"reason": reason.strip()[:200]}
    cases = (
        HotlineCase.objects.permitted(user, "read")
        .filter(federation_id=federation_id, received_on__range=(start, end))
        .order_by("received_on", "pk")
    )
    rows: list[list[Any]] = []
    with confidential.reading(purpose):
        for c in cases:
            rows.append(
                [
                    c.pk,
                    c.received_on,
                    c.get_channel_display(),
                    c.get_category_display(),
                    str(_("是")) if c.urgent else "",
                    c.get_status_display(),
                    c.caller_name,
                    c.caller_phone,
                    c.caller_address,
                    c.narrative,
                    c.closed_on,
                ]
            )
    audit.record(
        "export",
        object_type="duties.hotlinecase",
        object_repr=str(_("个案内容导出（%(n)s 件）")) % {"n": len(rows)},
        federation_id=federation_id,
        actor=user,
        detail=f"{reason.strip()[:400]} · {start.isoformat()}–{end.isoformat()}",
    )
    return rows


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (29 February falls on the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@audit.action("duties.case_purge", label=_("清除保存期满的个案内容"))
def case_purge_expired(*, today: dt.date | None = None, acting_user: Any | None = None) -> int:
    """Purges the contents of the cases closed longer ago than their federation's retention (default five
    years): the caller's identity, contact details, address, narrative, the masked identity and the phone's
    hash, and the notes of their follow-ups. What the statistics count is kept (date, channel, category,
    urgency, state, referrals). Returns how many cases were purged; every row changed is in the audit log
    (never its contents)."""
    from core import confidential
    from orgs.models import Federation

    today = today or clock.today()
    purged = 0
    with confidential.system_scope("保存期满清除个案内容"), audit.attributed_to(acting_user):
        for federation_id in Federation.objects.values_list("pk", flat=True):
            years = DutySettings.of(federation_id).case_retention_years
            cutoff = years_before(today, years)
            due = HotlineCase.objects.filter(
                federation_id=federation_id, status="closed", closed_on__lte=cutoff, purged_on__isnull=True
            )
            for case in due.order_by("pk"):
                with transaction.atomic():
                    for entry in CaseEntry.objects.filter(case=case):
                        entry.notes = ""
                        entry.save()
                    case.caller_name = case.caller_phone = case.caller_address = case.narrative = ""
                    case.masked_identity = ""
                    case.purged_on = today
                    case.save()
                purged += 1
    return purged


# --------------------------------------------------------------------------------- exchange meetings
MSG_TITLE_REQUIRED = _("请填写主题。")
MSG_MEETING_NOT_HELD = _("会议尚未召开，不能登记出席或纪要。")
MSG_EXECUTIVE_NOT_IN_OFFICE = _("该执委在会议日期不在任。")
MSG_PROPOSAL_REQUIRED = _("请填写建议内容。")
MSG_LEAD_UNIT_REQUIRED = _("请选择主办单位。")
MSG_DUE_BEFORE_TODAY = _("答复期限不能早于今天。")
MSG_ALREADY_EXTENDED = _("答复期限只能延长一次。")
MSG_REPLY_REQUIRED = _("请填写答复内容和办理结果。")
MSG_NOT_AUTHOR = _("只有提出建议的执委可以评价答复。")
# Default time limit of a reply (3 months) and of its one extension.
REPLY_DAYS = 90


def meeting_schedule(
    *,
    federation: Any,
    title: str,
    held_on: dt.date,
    venue: str = "",
    agenda: str = "",
    series: MeetingSeries | None = None,
    acting_user: Any | None = None,
) -> ExchangeMeeting:
    if not title.strip():
        raise ValidationError(MSG_TITLE_REQUIRED, code="title_required")
    if series is not None and series.federation_id != federation.pk:
        raise ValidationError(MSG_OTHER_FEDERATION, code="other_federation")
    with audit.attributed_to(acting_user), transaction.atomic():
        meeting = ExchangeMeeting(
            federation_id=federation.pk,
            series=series,
            title=title.strip()[:200],
            held_on=held_on,
            venue=venue.strip()[:200],
            agenda=agenda.strip(),
        )
        meeting.save()
        return meeting


MSG_FILE_REFUSED = _("文件未接收：%(reason)s")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    import calendar

    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def series_create(
    *,
    federation: Any,
    title: str,
    every_months: int = MeetingSeries.Every.QUARTER,
    venue: str = "",
    agenda_template: str = "",
    acting_user: Any | None = None,
) -> MeetingSeries:
    """A series of exchange meetings (default quarterly) with the agenda each of its meetings starts from."""
    if not title.strip():
        raise ValidationError(MSG_TITLE_REQUIRED, code="title_required")
    with audit.attributed_to(acting_user), transaction.atomic():
        series = MeetingSeries(
            federation_id=federation.pk,
            title=title.strip()[:200],
            every_months=every_months,
            venue=venue.strip()[:200],
            agenda_template=agenda_template.strip(),
        )
        series.save()
        return series


def series_schedule_next(
    *, series: MeetingSeries, held_on: dt.date | None = None, acting_user: Any | None = None
) -> ExchangeMeeting:
    """The series' next meeting: on `held_on`, else one period after its latest meeting (else today); the
    agenda template copied into it (a later change of the template leaves scheduled meetings as they are)."""
    if held_on is None:
        last = series.meetings.order_by("-held_on").first()
        held_on = add_months(last.held_on, series.every_months) if last else clock.today()
    return meeting_schedule(
        federation=series.federation,
        title=f"{series.title}（{held_on.year}-{held_on.month:02d}）",
        held_on=held_on,
        venue=series.venue,
        agenda=series.agenda_template,
        series=series,
        acting_user=acting_user,
    )


def attachments_dir() -> Any:
    """Where meeting files are kept: outside the web root (a scoped view streams a file)."""
    from pathlib import Path

    from django.conf import settings

    return Path(getattr(settings, "JINGUO_PRIVATE_DIR", Path(settings.VAR_DIR) / "private")) / "duties"


def meeting_attach(
    *, meeting: ExchangeMeeting, upload: Any, title: str = "", acting_user: Any | None = None
) -> MeetingAttachment:
    """Attaches a file to a meeting (agenda papers, minutes, photos), checked by its content and size."""
    import hashlib

    from core.uploads import DOCUMENT_KINDS, UploadRefused, check_document

    try:
        data, kind = check_document(upload)
    except UploadRefused as refused:
        raise ValidationError(MSG_FILE_REFUSED, code="file", params={"reason": refused.message}) from None
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{digest[:2]}/{digest}"
    target = attachments_dir() / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(target)
    name = (
        str(getattr(upload, "name", "") or f"attachment.{kind}").replace("/", "_").replace("\\", "_")[-200:]
    )
    with audit.attributed_to(acting_user), transaction.atomic():
        attachment = MeetingAttachment(
            federation_id=meeting.federation_id,
            meeting=meeting,
            title=(title.strip() or name)[:200],
            path=relative,
            original_name=name,
            file_kind=kind,
            content_type=DOCUMENT_KINDS[kind][1],
            size=len(data),
            sha256=digest,
            uploaded_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        attachment.save()
        return attachment


def attendance_record(
    *, meeting: ExchangeMeeting, executive: Executive, status: str, acting_user: Any | None = None
) -> Attendance:
    """Records (or changes) one executive's attendance at a meeting that has been held."""
    if meeting.held_on > clock.today():
        raise ValidationError(MSG_MEETING_NOT_HELD, code="not_held")
    if executive.federation_id != meeting.federation_id:
        raise ValidationError(MSG_OTHER_FEDERATION, code="other_federation")
    if not _in_office(executive, meeting.held_on):
        raise ValidationError(MSG_EXECUTIVE_NOT_IN_OFFICE, code="not_in_office")
    with audit.attributed_to(acting_user), transaction.atomic():
        row = Attendance.objects.filter(meeting=meeting, executive=executive).first()
        if row is None:
            row = Attendance(
                federation_id=meeting.federation_id, meeting=meeting, executive=executive, status=status
            )
        row.status = status
        row.save()
        return row


def meeting_minutes(
    *, meeting: ExchangeMeeting, minutes: str, acting_user: Any | None = None
) -> ExchangeMeeting:
    if meeting.held_on > clock.today():
        raise ValidationError(MSG_MEETING_NOT_HELD, code="not_held")
    with audit.attributed_to(acting_user), transaction.atomic():
        meeting.minutes = minutes.strip()
        meeting.save()
        return meeting


# ------------------------------------------------------------------------------------ suggestions
def suggestion_submit(
    *,
    author: Executive,
    title: str,
    proposal: str,
    background: str = "",
    submitted_on: dt.date | None = None,
    acting_user: Any | None = None,
) -> Suggestion:
    """An executive submits a suggestion (建言献策); `submitted_on` (default today) for one handed in on paper."""
    day = submitted_on or clock.today()
    _not_in_future(day, "submitted_on")
    if not title.strip():
        raise ValidationError(MSG_TITLE_REQUIRED, code="title_required")
    if not proposal.strip():
        raise ValidationError(MSG_PROPOSAL_REQUIRED, code="proposal_required")
    if author.ended_on is not None:
        raise ValidationError(MSG_EXECUTIVE_ENDED, code="executive_ended")
    with audit.attributed_to(acting_user), transaction.atomic():
        suggestion = Suggestion(
            federation_id=author.federation_id,
            author=author,
            title=title.strip()[:200],
            background=background.strip(),
            proposal=proposal.strip(),
            submitted_on=day,
        )
        suggestion.save()
        return suggestion


def suggestion_accept(
    *, suggestion: Suggestion, as_information: bool = False, reason: str = "", acting_user: Any | None = None
) -> Suggestion:
    """立案, or kept as information (社情民意)."""
    SUGGESTION_MACHINE.move(
        suggestion, "keep" if as_information else "accept", reason=reason, acting_user=acting_user
    )
    return suggestion


def suggestion_assign(
    *,
    suggestion: Suggestion,
    lead_unit: Any,
    co_units: str = "",
    reply_due: dt.date | None = None,
    acting_user: Any | None = None,
) -> Suggestion:
    """交办: to a lead department (and co-departments), with a reply due (default three months)."""
    if lead_unit is None:
        raise ValidationError(MSG_LEAD_UNIT_REQUIRED, code="lead_unit_required")
    if lead_unit.federation_id != suggestion.federation_id:
        raise ValidationError(MSG_OTHER_FEDERATION, code="other_federation")
    today = clock.today()
    due = reply_due or today + dt.timedelta(days=REPLY_DAYS)
    if due < today:
        raise ValidationError(MSG_DUE_BEFORE_TODAY, code="due_before_today")
    SUGGESTION_MACHINE.check(suggestion, "assign")
    with audit.attributed_to(acting_user), transaction.atomic():
        suggestion.lead_unit, suggestion.co_units, suggestion.reply_due = (
            lead_unit,
            co_units.strip()[:300],
            due,
        )
        SUGGESTION_MACHINE.move(suggestion, "assign", acting_user=acting_user)
        return suggestion


def suggestion_extend(*, suggestion: Suggestion, reason: str, acting_user: Any | None = None) -> Suggestion:
    """Extends the reply's time limit once, by the default time limit."""
    if suggestion.extended:
        raise ValidationError(MSG_ALREADY_EXTENDED, code="already_extended")
    SUGGESTION_MACHINE.check(suggestion, "extend", reason=reason)
    with audit.attributed_to(acting_user), transaction.atomic():
        suggestion.extended = True
        suggestion.reply_due = (suggestion.reply_due or clock.today()) + dt.timedelta(days=REPLY_DAYS)
        SUGGESTION_MACHINE.move(suggestion, "extend", reason=reason, acting_user=acting_user)
        return suggestion


def suggestion_answer(
    *, suggestion: Suggestion, result: str, reply: str, acting_user: Any | None = None
) -> Suggestion:
    if not reply.strip() or not result:
        raise ValidationError(MSG_REPLY_REQUIRED, code="reply_required")
    SUGGESTION_MACHINE.check(suggestion, "answer")
    with audit.attributed_to(acting_user), transaction.atomic():
        suggestion.result, suggestion.reply, suggestion.answered_on = result, reply.strip(), clock.today()
        SUGGESTION_MACHINE.move(suggestion, "answer", acting_user=acting_user)
        return suggestion


def suggestion_rate(*, suggestion: Suggestion, rating: str, acting_user: Any | None = None) -> Suggestion:
    """The author rates the reply (满意 / 基本满意 / 不满意)."""
    SUGGESTION_MACHINE.check(suggestion, "rate")
    with audit.attributed_to(acting_user), transaction.atomic():
        suggestion.rating = rating
        SUGGESTION_MACHINE.move(suggestion, "rate", acting_user=acting_user)
        return suggestion
