"""Writes of the volunteer lecture system. Keyword-only, typed, one transaction each, audited (TrackedModel);
refusals are `ValidationError(MSG_..., code=...)` with the module constants below, which tests import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit, clock
from lectures.models import (
    DEFAULT_CATEGORIES,
    ENDED,
    LECTURE_MACHINE,
    OTHER_SERVICE_MACHINE,
    PLACE_HOLDING,
    REQUEST_MACHINE,
    TOPIC_MACHINE,
    VOLUNTEER_MACHINE,
    CalendarFeed,
    ExpertiseCategory,
    Feedback,
    Lecture,
    LectureRequest,
    OtherService,
    Qualification,
    Registration,
    ServiceCertificate,
    Topic,
    TopicVersion,
    Volunteer,
)
from orgs.models import Federation, Person, Unit

MSG_CATEGORY_NAME_REQUIRED = _("请填写类别名称。")
MSG_CATEGORY_DUPLICATE = _("本妇联已有同名的专业类别。")
MSG_ALREADY_VOLUNTEER = _("该人员已登记为巾帼志愿者。")
MSG_OTHER_FEDERATION = _("所选内容不属于本妇联。")
MSG_CATEGORY_REQUIRED = _("请至少选择一个专业类别。")
MSG_CATEGORY_INACTIVE = _("所选专业类别已停用。")
MSG_LIMIT_RANGE = _("每年授课上限应在 1 到 200 场之间。")
MSG_VOLUNTEER_NOT_ACTIVE = _("只有在册的志愿者才能申报课题或授课。")
MSG_TITLE_REQUIRED = _("请填写课题名称。")
MSG_OUTLINE_REQUIRED = _("请填写课程大纲。")
MSG_TOPIC_DUPLICATE = _("课题库中已有同名课题。")
MSG_DURATION_RANGE = _("时长应在 15 到 480 分钟之间。")
MSG_TOPIC_IN_LIBRARY = _("已入库的课题不能直接修改，请提交新版本，审核通过后生效。")
MSG_TOPIC_NOT_REVISABLE = _("只有已入库或退回修改的课题可以提交新版本。")
MSG_VERSION_PENDING = _("该课题已有待审核的新版本，请等待审核结果。")
MSG_OUTLINE_UNCHANGED = _("新版本的大纲与当前版本相同。")
MSG_NOTHING_TO_REVIEW = _("该课题没有待审核的版本。")
MSG_LECTURER_REQUIRED = _("请至少选择一位授课讲师。")
MSG_TOPIC_NOT_IN_LIBRARY = _("只能从课题库中已入库的课题安排讲座。")
MSG_CAPACITY_RANGE = _("名额应在 1 到 2000 之间。")
MSG_VENUE_REQUIRED = _("请填写地点。")
MSG_NOT_OPEN = _("该讲座不在报名中。")
MSG_REGISTRATION_CLOSED = _("讲座已开始，报名已截止。")
MSG_ALREADY_REGISTERED = _("您已报名该讲座，不能重复报名。")
MSG_NO_PERSON = _("您的账号未关联人员信息，不能报名。")
MSG_ALREADY_CANCELLED = _("该报名已取消。")
MSG_UNKNOWN_CODE = _("签到码无效：本讲座没有这个签到码。")
MSG_NOT_REGISTERED = _("该报名不是正式名额（候补或已取消），不能签到。")
MSG_CHECKIN_TOO_EARLY = _("讲座当天才能签到。")
MSG_NOT_STARTED = _("讲座尚未开始，不能登记为已举办。")
MSG_FEEDBACK_NOT_ATTENDED = _("只有出席讲座的学员才能评价。")
MSG_FEEDBACK_TOO_EARLY = _("讲座开始后才能评价。")
MSG_FEEDBACK_TWICE = _("您已评价过该讲座。")
MSG_RATING_RANGE = _("评分应为 1 到 5 分。")
MSG_ORDERER_REQUIRED = _("点单须以社区或单位的名义提出。")
MSG_SIZE_RANGE = _("预计人数应在 1 到 2000 之间。")
MSG_DATE_PASSED = _("希望日期不能早于今天。")
MSG_START_PASSED = _("讲座时间不能早于现在。")
MSG_LECTURE_NOT_SCHEDULED = _("讲座已举办或已取消，不能再修改签到。")
MSG_PERIOD_ORDER = _("起始日期不能晚于截止日期。")
MSG_QUALIFICATION_LAPSED = _("%(name)s不能讲授该课题：%(reason)s。")
MSG_QUALIFICATION_NAME = _("请填写资质名称。")
MSG_QUALIFICATION_DATES = _("有效期不能早于发证日期。")
MSG_QUALIFICATION_FUTURE = _("发证日期不能晚于今天。")
MSG_SERVICE_HOURS_RANGE = _("每次服务时长应在 0.5 到 24 小时之间。")
MSG_SERVICE_DATE_FUTURE = _("服务日期不能晚于今天。")
MSG_SERVICE_DESCRIPTION = _("请填写服务内容。")
MSG_SERVICE_EVIDENCE = _("请上传佐证材料（照片、签到表或证明）。")
MSG_NO_OFFER = _("该报名没有待确认的候补名额。")
MSG_OFFER_LAPSED = _("候补名额的保留时间已过，名额已顺延给下一位。")


def _refuse(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _with_version(obj: Any, version: int | None) -> None:
    """The editor's version goes on the row, so that TrackedModel refuses a stale save."""
    if version is not None:
        obj.version = version


# ------------------------------------------------------------------------------------------ categories
def category_defaults_ensure(
    *, federation: Federation, acting_user: Any | None = None
) -> list[ExpertiseCategory]:
    """The federation's categories; the default list (domain.md) the first time it is asked."""
    with audit.attributed_to(acting_user), transaction.atomic():
        existing = list(ExpertiseCategory.objects.filter(federation=federation))
        if existing:
            return existing
        made = []
        for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
            category = ExpertiseCategory(federation=federation, name=name, order=order * 10)
            category.save()
            made.append(category)
        return made


def _category_rule(*, federation_id: int, name: str, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise _refuse(MSG_CATEGORY_NAME_REQUIRED, "name_required")
    clash = ExpertiseCategory.objects.filter(federation_id=federation_id, name=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise _refuse(MSG_CATEGORY_DUPLICATE, "duplicate")
    return name


def category_create(
    *, federation: Federation, name: str, order: int = 100, acting_user: Any | None = None
) -> ExpertiseCategory:
    with audit.attributed_to(acting_user), transaction.atomic():
        category = ExpertiseCategory(
            federation=federation, name=_category_rule(federation_id=federation.pk, name=name), order=order
        )
        category.save()
        return category


def category_update(
    *,
    category: ExpertiseCategory,
    name: str,
    order: int,
    active: bool,
    version: int | None = None,
    acting_user: Any | None = None,
) -> ExpertiseCategory:
    with audit.attributed_to(acting_user), transaction.atomic():
        category.name = _category_rule(
            federation_id=category.federation_id, name=name, exclude_pk=category.pk
        )
        category.order, category.active = order, active
        _with_version(category, version)
        category.save()
        return category


# ------------------------------------------------------------------------------------------ volunteers
def _categories_rule(federation_id: int, categories: Iterable[ExpertiseCategory]) -> list[ExpertiseCategory]:
    chosen = list(categories)
    if not chosen:
        raise _refuse(MSG_CATEGORY_REQUIRED, "category_required")
    if any(c.federation_id != federation_id for c in chosen):
        raise _refuse(MSG_OTHER_FEDERATION, "other_federation")
    if any(not c.active for c in chosen):
        raise _refuse(MSG_CATEGORY_INACTIVE, "category_inactive")
    return chosen


def _limit_rule(yearly_limit: int) -> None:
    if not 1 <= yearly_limit <= 200:
        raise _refuse(MSG_LIMIT_RANGE, "limit_range")


def volunteer_register(
    *,
    person: Person,
    categories: Iterable[ExpertiseCategory],
    unit: Unit | None = None,
    bio: str = "",
    availability: str = "",
    yearly_limit: int = 12,
    approved: bool = True,
    acting_user: Any | None = None,
) -> Volunteer:
    """Staff register a volunteer (approved at once), or a person applies (approved=False: 待审核)."""
    with audit.attributed_to(acting_user), transaction.atomic():
        if Volunteer.objects.filter(person=person).exists():
            raise _refuse(MSG_ALREADY_VOLUNTEER, "already_volunteer")
        unit = unit if unit is not None else person.unit
        if unit is not None and unit.federation_id != person.federation_id:
            raise _refuse(MSG_OTHER_FEDERATION, "other_federation")
        chosen = _categories_rule(person.federation_id, categories)
        _limit_rule(yearly_limit)
        volunteer = Volunteer(
            federation_id=person.federation_id,
            person=person,
            unit=unit,
            bio=bio.strip(),
            availability=availability.strip(),
            yearly_limit=yearly_limit,
            status=Volunteer.Status.ACTIVE if approved else Volunteer.Status.APPLIED,
            joined_on=clock.today() if approved else None,
        )
        volunteer.save()
        volunteer.categories.set(chosen)
        return volunteer


def volunteer_update(
    *,
    volunteer: Volunteer,
    categories: Iterable[ExpertiseCategory],
    bio: str,
    availability: str,
    yearly_limit: int,
    version: int | None = None,
    acting_user: Any | None = None,
) -> Volunteer:
    """The profile a volunteer (or staff) keeps: categories, bio, availability, yearly load limit."""
    with audit.attributed_to(acting_user), transaction.atomic():
        chosen = _categories_rule(volunteer.federation_id, categories)
        _limit_rule(yearly_limit)
        volunteer.bio, volunteer.availability, volunteer.yearly_limit = (
            bio.strip(),
            availability.strip(),
            yearly_limit,
        )
        _with_version(volunteer, version)
        volunteer.save()
        before = set(volunteer.categories.values_list("pk", flat=True))
        after = {c.pk for c in chosen}
        if before != after:
            volunteer.categories.set(chosen)
            audit.record(
                "lectures.volunteer_categories",
                obj=volunteer,
                changes={"categories": [sorted(before), sorted(after)]},
            )
        return volunteer


def volunteer_set_unit(
    *, volunteer: Volunteer, unit: Unit | None, version: int | None = None, acting_user: Any | None = None
) -> Volunteer:
    with audit.attributed_to(acting_user), transaction.atomic():
        if unit is not None and unit.federation_id != volunteer.federation_id:
            raise _refuse(MSG_OTHER_FEDERATION, "other_federation")
        volunteer.unit = unit
        _with_version(volunteer, version)
        volunteer.save()
        return volunteer


def volunteer_move(
    *,
    volunteer: Volunteer,
    transition: str,
    reason: str = "",
    version: int | None = None,
    acting_user: Any | None = None,
) -> Volunteer:
    """审核通过 / 暂停 / 恢复 (core.states)."""
    with transaction.atomic():
        _with_version(volunteer, version)
        if transition == "approve" and volunteer.joined_on is None:
            volunteer.joined_on = clock.today()
        VOLUNTEER_MACHINE.move(volunteer, transition, reason=reason, acting_user=acting_user)
        return volunteer


# ------------------------------------------------------------------------------------------ topics
def _topic_fields_rule(
    *,
    federation_id: int,
    title: str,
    category: ExpertiseCategory,
    duration_minutes: int,
    exclude_pk: int | None = None,
) -> str:
    title = (title or "").strip()
    if not title:
        raise _refuse(MSG_TITLE_REQUIRED, "title_required")
    if category.federation_id != federation_id:
        raise _refuse(MSG_OTHER_FEDERATION, "other_federation")
    if not category.active:
        raise _refuse(MSG_CATEGORY_INACTIVE, "category_inactive")
    if not 15 <= duration_minutes <= 480:
        raise _refuse(MSG_DURATION_RANGE, "duration_range")
    clash = Topic.objects.filter(federation_id=federation_id, title=title).exclude(
        status=Topic.Status.RETIRED
    )
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise _refuse(MSG_TOPIC_DUPLICATE, "duplicate")
    return title


def _active_volunteer_rule(volunteer: Volunteer) -> None:
    if volunteer.status != Volunteer.Status.ACTIVE:
        raise _refuse(MSG_VOLUNTEER_NOT_ACTIVE, "volunteer_not_active")


def topic_propose(
    *,
    proposer: Volunteer,
    title: str,
    category: ExpertiseCategory,
    outline: str,
    audience: str = "",
    duration_minutes: int = 90,
    acting_user: Any | None = None,
) -> Topic:
    """A volunteer proposes a topic (申报课题): version 1 of its outline waits for review."""
    with audit.attributed_to(acting_user), transaction.atomic():
        _active_volunteer_rule(proposer)
        title = _topic_fields_rule(
            federation_id=proposer.federation_id,
            title=title,
            category=category,
            duration_minutes=duration_minutes,
        )
        if not (outline or "").strip():
            raise _refuse(MSG_OUTLINE_REQUIRED, "outline_required")
        topic = Topic(
            federation_id=proposer.federation_id,
            title=title,
            category=category,
            audience=audience.strip(),
            duration_minutes=duration_minutes,
            proposer=proposer,
        )
        topic.save()
        topic.lecturers.add(proposer)
        TopicVersion(topic=topic, number=1, outline=outline.strip()).save()
        return topic


def topic_update(
    *,
    topic: Topic,
    title: str,
    category: ExpertiseCategory,
    audience: str,
    duration_minutes: int,
    outline: str | None = None,
    version: int | None = None,
    acting_user: Any | None = None,
) -> Topic:
    """Edits a proposal not yet in the library (its pending outline too)."""
    with audit.attributed_to(acting_user), transaction.atomic():
        if topic.status in (Topic.Status.LIBRARY, Topic.Status.RETIRED):
            raise _refuse(MSG_TOPIC_IN_LIBRARY, "in_library")
        topic.title = _topic_fields_rule(
            federation_id=topic.federation_id,
            title=title,
            category=category,
            duration_minutes=duration_minutes,
            exclude_pk=topic.pk,
        )
        topic.category, topic.audience, topic.duration_minutes = category, audience.strip(), duration_minutes
        _with_version(topic, version)
        topic.save()
        if outline is not None:
            if not outline.strip():
                raise _refuse(MSG_OUTLINE_REQUIRED, "outline_required")
            pending = topic.versions.filter(status=TopicVersion.Status.PENDING).order_by("-number").first()
            if pending is not None and pending.outline != outline.strip():
                pending.outline = outline.strip()
                pending.save()
        return topic


def topic_revise(
    *, topic: Topic, outline: str, changes: str = "", acting_user: Any | None = None
) -> TopicVersion:
    """A new version of the outline (打磨, after a rehearsal or feedback). In the library the topic keeps its
    current version for lectures until staff accept the new one; a returned proposal goes back to review."""
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk) if _locks() else topic
        if topic.status not in (Topic.Status.LIBRARY, Topic.Status.RETURNED):
            raise _refuse(MSG_TOPIC_NOT_REVISABLE, "not_revisable")
        if topic.versions.filter(status=TopicVersion.Status.PENDING).exists():
            raise _refuse(MSG_VERSION_PENDING, "version_pending")
        outline = (outline or "").strip()
        if not outline:
            raise _refuse(MSG_OUTLINE_REQUIRED, "outline_required")
        latest = topic.versions.order_by("-number").first()
        if latest is not None and latest.outline == outline:
            raise _refuse(MSG_OUTLINE_UNCHANGED, "outline_unchanged")
        with audit.attributed_to(acting_user):
            made = TopicVersion(
                topic=topic,
                number=(latest.number if latest else 0) + 1,
                outline=outline,
                changes=changes.strip(),
            )
            made.save()
        if topic.status == Topic.Status.RETURNED:
            TOPIC_MACHINE.move(topic, "resubmit", acting_user=acting_user)
        return made


def _locks() -> bool:
    from django.db import connection

    return bool(connection.features.has_select_for_update)


def pending_version(topic: Topic) -> TopicVersion | None:
    return topic.versions.filter(status=TopicVersion.Status.PENDING).order_by("-number").first()


def topic_review(
    *, topic: Topic, accept: bool, comment: str = "", acting_user: Any | None = None
) -> TopicVersion:
    """Staff decide on the pending version: accepted (a proposal enters the library; a revision becomes the
    version new lectures are given from) or returned with comments (a proposal goes back to its proposer)."""
    with transaction.atomic():
        pending = pending_version(topic)
        if pending is None:
            raise _refuse(MSG_NOTHING_TO_REVIEW, "nothing_to_review")
        if not accept and not comment.strip():
            from core.states import MSG_REASON_REQUIRED

            raise _refuse(MSG_REASON_REQUIRED, "reason_required")
        with audit.attributed_to(acting_user):
            pending.status = TopicVersion.Status.ACCEPTED if accept else TopicVersion.Status.RETURNED
            pending.reviewed_at, pending.review_comment = timezone.now(), comment.strip()
            pending.save()
        if topic.status == Topic.Status.PROPOSED:
            if accept:
                topic.current_version, topic.added_on = pending, clock.today()
            TOPIC_MACHINE.move(
                topic, "accept" if accept else "return", reason=comment, acting_user=acting_user
            )
        elif accept:
            with audit.attributed_to(acting_user):
                topic.current_version = pending
                topic.save()
        return pending


def topic_move(
    *,
    topic: Topic,
    transition: str,
    reason: str = "",
    version: int | None = None,
    acting_user: Any | None = None,
) -> Topic:
    """停用 / 恢复入库 (the review moves go through topic_review)."""
    with transaction.atomic():
        _with_version(topic, version)
        TOPIC_MACHINE.move(topic, transition, reason=reason, acting_user=acting_user)
        return topic


def topic_set_lecturers(
    *, topic: Topic, lecturers: Iterable[Volunteer], acting_user: Any | None = None
) -> Topic:
    """Who gives the topic (staff): active volunteers of its federation."""
    with audit.attributed_to(acting_user), transaction.atomic():
        chosen = list(lecturers)
        if not chosen:
            raise _refuse(MSG_LECTURER_REQUIRED, "lecturer_required")
        for volunteer in chosen:
            if volunteer.federation_id != topic.federation_id:
                raise _refuse(MSG_OTHER_FEDERATION, "other_federation")
            _active_volunteer_rule(volunteer)
        before = sorted(topic.lecturers.values_list("pk", flat=True))
        topic.lecturers.set(chosen)
        audit.record(
            "lectures.topic_lecturers",
            obj=topic,
            changes={"lecturers": [before, sorted(v.pk for v in chosen)]},
        )
        return topic


# ------------------------------------------------------------------------------------------ lectures
def _lecturers_rule(federation_id: int, lecturers: Iterable[Volunteer]) -> list[Volunteer]:
    chosen = list(lecturers)
    if not chosen:
        raise _refuse(MSG_LECTURER_REQUIRED, "lecturer_required")
    for volunteer in chosen:
        if volunteer.federation_id != federation_id:
            raise _refuse(MSG_OTHER_FEDERATION, "other_federation")
        _active_volunteer_rule(volunteer)
    return chosen


def lecture_schedule(
    *,
    topic: Topic,
    lecturers: Iterable[Volunteer],
    starts_at: Any,
    venue: str,
    capacity: int = 50,
    duration_minutes: int | None = None,
    host_unit: Unit | None = None,
    community: Any | None = None,
    acting_user: Any | None = None,
) -> Lecture:
    """安排讲座 from the topic's current version (the one in the library)."""
    with audit.attributed_to(acting_user), transaction.atomic():
        if topic.status != Topic.Status.LIBRARY or topic.current_version_id is None:
            raise _refuse(MSG_TOPIC_NOT_IN_LIBRARY, "topic_not_in_library")
        chosen = _lecturers_rule(topic.federation_id, lecturers)
        _qualification_rule(chosen, topic, timezone.localdate(starts_at))
        if not (venue or "").strip():
            raise _refuse(MSG_VENUE_REQUIRED, "venue_required")
        if not 1 <= capacity <= 2000:
            raise _refuse(MSG_CAPACITY_RANGE, "capacity_range")
        duration = duration_minutes or topic.duration_minutes
        if not 15 <= duration <= 480:
            raise _refuse(MSG_DURATION_RANGE, "duration_range")
        for org in (host_unit, community):
            if org is not None and org.federation_id != topic.federation_id:
                raise _refuse(MSG_OTHER_FEDERATION, "other_federation")
        lecture = Lecture(
            federation_id=topic.federation_id,
            topic=topic,
            topic_version_id=topic.current_version_id,
            starts_at=starts_at,
            duration_minutes=duration,
            venue=venue.strip(),
            capacity=capacity,
            host_unit=host_unit,
            community=community,
        )
        lecture.save()
        lecture.lecturers.set(chosen)
        return lecture


def lecture_hold(*, lecture: Lecture, version: int | None = None, acting_user: Any | None = None) -> Lecture:
    """登记已举办: the lecture took place (after its start); its lecturers are credited its hours."""
    with transaction.atomic():
        if lecture.starts_at > timezone.now():
            raise _refuse(MSG_NOT_STARTED, "not_started")
        _with_version(lecture, version)
        LECTURE_MACHINE.move(lecture, "hold", acting_user=acting_user)
        _after_lecture_held(lecture, acting_user)
        return lecture


def _after_lecture_held(lecture: Lecture, acting_user: Any | None) -> None:
    """What else follows from a held lecture (an order it came from is held too)."""
    for hook in HELD_HOOKS:
        hook(lecture, acting_user)


# Functions called in the transaction that records a lecture as held (the ordering part registers one).
HELD_HOOKS: list[Any] = []


def lecture_cancel(
    *, lecture: Lecture, reason: str, version: int | None = None, acting_user: Any | None = None
) -> Lecture:
    with transaction.atomic():
        _with_version(lecture, version)
        LECTURE_MACHINE.move(lecture, "cancel", reason=reason, acting_user=acting_user)
        return lecture


def _new_code() -> str:
    import secrets

    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud at the door
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(6))
        if not Registration.objects.filter(code=code).exists():
            return code


def _locked_lecture(lecture: Lecture) -> Lecture:
    """The lecture's row, locked until the transaction ends (PostgreSQL: SELECT ... FOR UPDATE; SQLite's
    IMMEDIATE transactions already hold the database's write lock), so that places are counted once."""
    rows = Lecture.objects.filter(pk=lecture.pk)
    if _locks():
        rows = rows.select_for_update()
    return rows.get()


def registration_create(
    *, lecture: Lecture, person: Person | None, acting_user: Any | None = None, walk_in: bool = False
) -> Registration:
    """报名: a place while there is one, else the waiting list (候补), in order of arrival. A walk-in (现场登记)
    at the door is registered and attended whatever the count."""
    if person is None:
        raise _refuse(MSG_NO_PERSON, "no_person")
    with audit.attributed_to(acting_user), transaction.atomic():
        locked = _locked_lecture(lecture)
        if locked.status != Lecture.Status.SCHEDULED:
            raise _refuse(MSG_NOT_OPEN, "not_open")
        if not walk_in and locked.starts_at <= timezone.now():
            raise _refuse(MSG_REGISTRATION_CLOSED, "closed")
        if person.federation_id != locked.federation_id:
            raise _refuse(MSG_OTHER_FEDERATION, "other_federation")
        live = Registration.objects.filter(lecture=locked).exclude(status__in=ENDED)
        if live.filter(person=person).exists():
            raise _refuse(MSG_ALREADY_REGISTERED, "duplicate")
        # Places held by offers count as taken; while anyone waits, a newcomer queues behind her.
        taken = _places_taken(locked)
        if live.filter(status=Registration.Status.WAITLISTED).exists():
            taken = max(taken, locked.capacity)
        registration = Registration(
            federation_id=locked.federation_id,
            lecture=locked,
            person=person,
            code=_new_code(),
            walk_in=walk_in,
            status=Registration.Status.REGISTERED
            if walk_in or taken < locked.capacity
            else Registration.Status.WAITLISTED,
            attendance=Registration.Attendance.ATTENDED if walk_in else Registration.Attendance.UNKNOWN,
        )
        registration.save()
        return registration


def _places_taken(lecture: Lecture) -> int:
    """Places held: registered, and offered to someone from the waiting list who has not yet answered."""
    return Registration.objects.filter(lecture=lecture, status__in=PLACE_HOLDING).count()


def registration_cancel(*, registration: Registration, acting_user: Any | None = None) -> Registration | None:
    """取消报名 (a state, never a delete). A freed place is offered to the first on the waiting list, who is
    told and has the lecture's `offer_hours` to accept it (pretix). Returns the registration offered the
    place, if one was."""
    with audit.attributed_to(acting_user), transaction.atomic():
        locked = _locked_lecture(registration.lecture)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status in ENDED:
            raise _refuse(MSG_ALREADY_CANCELLED, "already_cancelled")
        if locked.status != Lecture.Status.SCHEDULED:
            raise _refuse(MSG_NOT_OPEN, "not_open")
        freed = registration.status in PLACE_HOLDING
        registration.status = Registration.Status.CANCELLED
        registration.offer_expires_at = None
        registration.save()
        if not freed:
            return None
        offered = _offer_freed_places(locked)
        return offered[0] if offered else None


def _offer_freed_places(lecture: Lecture) -> list[Registration]:
    """While places are free and the lecture has not started, the first waiting person is offered one
    until now + the lecture's offer_hours (never past the start). Called with the lecture's row locked."""
    now = timezone.now()
    if lecture.status != Lecture.Status.SCHEDULED or lecture.starts_at <= now:
        return []
    free = lecture.capacity - _places_taken(lecture)
    if free <= 0:
        return []
    waiting = Registration.objects.filter(lecture=lecture, status=Registration.Status.WAITLISTED).order_by(
        "registered_at", "id"
    )
    offered = []
    for registration in waiting[:free]:
        registration.status = Registration.Status.OFFERED
        registration.offer_expires_at = min(now + dt.timedelta(hours=lecture.offer_hours), lecture.starts_at)
        registration.save()
        _tell_offered(registration, lecture)
        offered.append(registration)
    return offered


def _user_of(person_id: int) -> Any:
    from accounts.models import User

    return User.objects.filter(person_id=person_id, is_active=True).first()


def _tell_offered(registration: Registration, lecture: Lecture) -> None:
    from django.urls import reverse

    from core.notify import notify

    user = _user_of(registration.person_id)
    if user is None or registration.offer_expires_at is None:
        return
    notify(
        recipient=user,
        federation_id=lecture.federation_id,
        kind="lecture_offer",
        title=str(_("候补名额：讲座“%(title)s”有空位为您保留至 %(until)s，请确认"))
        % {
            "title": lecture.topic.title,
            "until": timezone.localtime(registration.offer_expires_at).strftime("%Y-%m-%d %H:%M"),
        },
        url=reverse("lectures:lecture-detail", args=[lecture.pk]),
        dedup_key=f"lecture-offer:{registration.pk}",
    )


def _tell_lapsed(registration: Registration, lecture: Lecture) -> None:
    from django.urls import reverse

    from core.notify import notify

    user = _user_of(registration.person_id)
    if user is None:
        return
    notify(
        recipient=user,
        federation_id=lecture.federation_id,
        kind="lecture_offer_lapsed",
        title=str(_("讲座“%(title)s”的候补名额已过保留时间，已顺延给下一位")) % {"title": lecture.topic.title},
        url=reverse("lectures:lecture-detail", args=[lecture.pk]),
        dedup_key=f"lecture-offer-lapsed:{registration.pk}",
    )


def registration_offer_answer(
    *, registration: Registration, accept: bool, acting_user: Any | None = None
) -> Registration:
    """The person offered a place accepts it (已报名, with her check-in code) or declines it (the place goes to
    the next on the waiting list). An offer past its time can no longer be accepted."""
    with audit.attributed_to(acting_user), transaction.atomic():
        locked = _locked_lecture(registration.lecture)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status != Registration.Status.OFFERED:
            raise _refuse(MSG_NO_OFFER, "no_offer")
        if locked.status != Lecture.Status.SCHEDULED:
            raise _refuse(MSG_NOT_OPEN, "not_open")
        expires = registration.offer_expires_at
        if expires is not None and expires <= timezone.now():
            raise _refuse(MSG_OFFER_LAPSED, "offer_lapsed")
        registration.offer_expires_at = None
        if accept:
            registration.status = Registration.Status.REGISTERED
            registration.save()
            return registration
        registration.status = Registration.Status.CANCELLED
        registration.save()
        _offer_freed_places(locked)
        return registration


def offers_lapse(*, now: Any | None = None, acting_user: Any | None = None) -> list[Registration]:
    """The periodic job: offers past their time lapse (逾期未确认, the person is told) and each freed place goes
    to the next on the waiting list. Returns the lapsed registrations."""
    now = now or timezone.now()
    lapsed: list[Registration] = []
    due = (
        Registration.objects.filter(status=Registration.Status.OFFERED, offer_expires_at__lte=now)
        .values_list("lecture_id", flat=True)
        .distinct()
    )
    for lecture_id in list(due):
        with audit.attributed_to(acting_user), transaction.atomic():
            locked = _locked_lecture(Lecture(pk=lecture_id))
            rows = Registration.objects.filter(
                lecture=locked, status=Registration.Status.OFFERED, offer_expires_at__lte=now
            ).order_by("registered_at", "id")
            for registration in rows:
                registration.status = Registration.Status.LAPSED
                registration.save()
                _tell_lapsed(registration, locked)
                lapsed.append(registration)
            _offer_freed_places(locked)
    return lapsed


def door_rule(lecture: Lecture) -> None:
    if lecture.status == Lecture.Status.CANCELLED:
        raise _refuse(MSG_LECTURE_NOT_SCHEDULED, "not_scheduled")
    if timezone.localdate(lecture.starts_at) > clock.today():
        raise _refuse(MSG_CHECKIN_TOO_EARLY, "too_early")


def registration_checkin(*, lecture: Lecture, code: str, acting_user: Any | None = None) -> Registration:
    """签到 at the door by the registration's code (typed or scanned)."""
    with audit.attributed_to(acting_user), transaction.atomic():
        door_rule(lecture)
        registration = Registration.objects.filter(lecture=lecture, code=(code or "").strip().upper()).first()
        if registration is None:
            raise _refuse(MSG_UNKNOWN_CODE, "unknown_code")
        if registration.status != Registration.Status.REGISTERED:
            raise _refuse(MSG_NOT_REGISTERED, "not_registered")
        registration.attendance = Registration.Attendance.ATTENDED
        registration.save()
        return registration


def registration_mark(
    *, registration: Registration, attendance: str, version: int | None = None, acting_user: Any | None = None
) -> Registration:
    """Attendance by hand: attended, absent or excused."""
    with audit.attributed_to(acting_user), transaction.atomic():
        door_rule(Lecture.objects.get(pk=registration.lecture_id))
        if attendance not in Registration.Attendance.values:
            raise _refuse(MSG_NOT_REGISTERED, "bad_attendance")
        if registration.status != Registration.Status.REGISTERED:
            raise _refuse(MSG_NOT_REGISTERED, "not_registered")
        registration.attendance = attendance
        _with_version(registration, version)
        registration.save()
        return registration


def feedback_give(
    *,
    registration: Registration,
    relevance: int,
    content: int,
    delivery: int,
    comment: str = "",
    acting_user: Any | None = None,
) -> Feedback:
    """学员反馈: only from attendees, only after the start, once."""
    with audit.attributed_to(acting_user), transaction.atomic():
        lecture = Lecture.objects.get(pk=registration.lecture_id)
        if lecture.starts_at > timezone.now():
            raise _refuse(MSG_FEEDBACK_TOO_EARLY, "too_early")
        if registration.status != Registration.Status.REGISTERED or registration.attendance != "attended":
            raise _refuse(MSG_FEEDBACK_NOT_ATTENDED, "not_attended")
        if Feedback.objects.filter(registration=registration).exists():
            raise _refuse(MSG_FEEDBACK_TWICE, "twice")
        if any(not 1 <= r <= 5 for r in (relevance, content, delivery)):
            raise _refuse(MSG_RATING_RANGE, "rating_range")
        feedback = Feedback(
            federation_id=lecture.federation_id,
            lecture=lecture,
            registration=registration,
            relevance=relevance,
            content=content,
            delivery=delivery,
            comment=comment.strip(),
        )
        feedback.save()
        return feedback


# ------------------------------------------------------------------------------------------ orders (点单)
def request_create(
    *,
    topic: Topic,
    requested_by: Any,
    preferred_date: Any,
    venue: str,
    community: Any | None = None,
    unit: Unit | None = None,
    preferred_note: str = "",
    audience: str = "",
    expected_size: int = 30,
    notes: str = "",
    acting_user: Any | None = None,
) -> LectureRequest:
    """点单: a community contact (or a unit liaison) orders a topic from the library."""
    with audit.attributed_to(acting_user or requested_by), transaction.atomic():
        if topic.status != Topic.Status.LIBRARY:
            raise _refuse(MSG_TOPIC_NOT_IN_LIBRARY, "topic_not_in_library")
        if (community is None) == (unit is None):
            raise _refuse(MSG_ORDERER_REQUIRED, "orderer_required")
        org = community or unit
        assert org is not None  # exactly one of them, checked above
        if org.federation_id != topic.federation_id:
            raise _refuse(MSG_OTHER_FEDERATION, "other_federation")
        if preferred_date < clock.today():
            raise _refuse(MSG_DATE_PASSED, "date_passed")
        if not 1 <= expected_size <= 2000:
            raise _refuse(MSG_SIZE_RANGE, "size_range")
        if not (venue or "").strip():
            raise _refuse(MSG_VENUE_REQUIRED, "venue_required")
        order = LectureRequest(
            federation_id=topic.federation_id,
            topic=topic,
            community=community,
            unit=unit,
            requested_by=requested_by,
            preferred_date=preferred_date,
            preferred_note=preferred_note.strip(),
            audience=audience.strip(),
            expected_size=expected_size,
            venue=venue.strip(),
            notes=notes.strip(),
        )
        order.save()
        return order


def request_match(
    *, order: LectureRequest, volunteer: Volunteer, version: int | None = None, acting_user: Any | None = None
) -> LectureRequest:
    """Staff offer the order to one lecturer (匹配讲师), who accepts or declines."""
    with transaction.atomic():
        if volunteer.federation_id != order.federation_id:
            raise _refuse(MSG_OTHER_FEDERATION, "other_federation")
        _active_volunteer_rule(volunteer)
        _qualification_rule([volunteer], order.topic, order.preferred_date)
        REQUEST_MACHINE.check(order, "match")
        order.volunteer, order.matched_at = volunteer, timezone.now()
        _with_version(order, version)
        REQUEST_MACHINE.move(order, "match", acting_user=acting_user)
        return order


def request_accept(
    *, order: LectureRequest, starts_at: Any, capacity: int | None = None, acting_user: Any | None = None
) -> LectureRequest:
    """The lecturer accepts (接受邀请): the lecture is scheduled at the community, open for registration. An
    order already taken (accepted, declined, withdrawn) cannot be accepted."""
    with transaction.atomic():
        rows = LectureRequest.objects.filter(pk=order.pk)
        order = (rows.select_for_update() if _locks() else rows).get()
        REQUEST_MACHINE.check(order, "accept")
        if starts_at <= timezone.now():
            raise _refuse(MSG_START_PASSED, "start_passed")
        assert order.volunteer is not None
        lecture = lecture_schedule(
            topic=order.topic,
            lecturers=[order.volunteer],
            starts_at=starts_at,
            venue=order.venue,
            capacity=capacity or max(order.expected_size, 1),
            community=order.community,
            host_unit=order.unit,
            acting_user=acting_user,
        )
        order.lecture = lecture
        REQUEST_MACHINE.move(order, "accept", acting_user=acting_user)
        return order


def request_move(
    *,
    order: LectureRequest,
    transition: str,
    reason: str = "",
    version: int | None = None,
    acting_user: Any | None = None,
) -> LectureRequest:
    """婉拒 (back to staff, the offer withdrawn) / 不予受理 / 撤回点单, each with a reason."""
    with transaction.atomic():
        if transition not in ("decline", "reject", "withdraw"):
            raise ValueError(transition)
        REQUEST_MACHINE.check(order, transition, reason=reason)
        if transition == "decline":
            order.volunteer, order.matched_at = None, None
        _with_version(order, version)
        REQUEST_MACHINE.move(order, transition, reason=reason, acting_user=acting_user)
        return order


def request_rate(
    *,
    order: LectureRequest,
    rating: int,
    comment: str = "",
    version: int | None = None,
    acting_user: Any | None = None,
) -> LectureRequest:
    """After the lecture, the orderer rates it (1–5)."""
    with transaction.atomic():
        if not 1 <= rating <= 5:
            raise _refuse(MSG_RATING_RANGE, "rating_range")
        REQUEST_MACHINE.check(order, "rate")
        order.rating, order.rating_comment = rating, comment.strip()
        _with_version(order, version)
        REQUEST_MACHINE.move(order, "rate", acting_user=acting_user)
        return order


def _order_follows_lecture(lecture: Lecture, acting_user: Any | None) -> None:
    order = LectureRequest.objects.filter(lecture=lecture, status=LectureRequest.Status.CONFIRMED).first()
    if order is not None:
        REQUEST_MACHINE.move(order, "hold", acting_user=acting_user)


HELD_HOOKS.append(_order_follows_lecture)


# ------------------------------------------------------------------------------------------ certificates
# 16 characters of a 32-letter alphabet: 80 bits, printed in groups of four (no 0/O, 1/I to misread).
CERTIFICATE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CERTIFICATE_CODE_LENGTH = 16


def certificate_code_normal(code: str) -> str:
    """A typed code as stored: upper case, without the dashes and spaces it is printed with."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:40]


def certificate_code_display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _new_certificate_code() -> str:
    import secrets

    while True:
        code = "".join(secrets.choice(CERTIFICATE_ALPHABET) for _ in range(CERTIFICATE_CODE_LENGTH))
        if not ServiceCertificate.objects.filter(code=code).exists():
            return code


def certificate_issue(
    *, volunteer: Volunteer, start: Any = None, end: Any = None, acting_user: Any | None = None
) -> tuple[ServiceCertificate, Any]:
    """开具志愿服务证明: the service record of the period and a certificate row that keeps what the paper says
    (name, unit, period, hours) under a fresh verification code. Returns (certificate, record)."""
    from lectures import selectors

    if start is not None and end is not None and start > end:
        raise _refuse(MSG_PERIOD_ORDER, "period_order")
    with audit.attributed_to(acting_user), transaction.atomic():
        record = selectors.service_record(volunteer, start, end)
        certificate = ServiceCertificate(
            federation_id=volunteer.federation_id,
            volunteer=volunteer,
            code=_new_certificate_code(),
            volunteer_name=volunteer.person.name,
            unit_name=volunteer.unit.name if volunteer.unit_id and volunteer.unit else "",
            period_start=start,
            period_end=end,
            lecture_count=len(record.lectures),
            hours=record.total,
            issued_on=clock.today(),
            issued_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        certificate.save()
        return certificate, record


def certificate_lookup(code: str) -> ServiceCertificate | None:
    """The certificate a typed verification code belongs to, or None (read only; the public page calls it)."""
    normal = certificate_code_normal(code)
    if len(normal) != CERTIFICATE_CODE_LENGTH:
        return None
    return ServiceCertificate.objects.filter(code=normal).first()


# ------------------------------------------------------------------------------------------ qualifications
def _qualification_rule(volunteers: Iterable[Volunteer], topic: Topic, day: Any) -> None:
    """Each lecturer holds the topic's required qualification, valid on the lecture's day."""
    from lectures import selectors

    required = topic.required_qualification
    if not required:
        return
    chosen = list(volunteers)
    held = selectors.qualifications_by_volunteer([v.pk for v in chosen], required)
    for v in chosen:
        ok, reason = selectors.qualification_check(required, day, held.get(v.pk, []))
        if not ok:
            raise _refuse(MSG_QUALIFICATION_LAPSED, "qualification", name=v.person.name, reason=reason)


def qualification_add(
    *,
    volunteer: Volunteer,
    name: str,
    issued_on: Any,
    valid_until: Any = None,
    upload: Any = None,
    acting_user: Any | None = None,
) -> Qualification:
    """A volunteer (or staff for her) records a qualification with its validity and the certificate's scan."""
    from lectures import evidence

    name = (name or "").strip()
    if not name:
        raise _refuse(MSG_QUALIFICATION_NAME, "name_required")
    if issued_on > clock.today():
        raise _refuse(MSG_QUALIFICATION_FUTURE, "issued_future")
    if valid_until is not None and valid_until < issued_on:
        raise _refuse(MSG_QUALIFICATION_DATES, "dates")
    with audit.attributed_to(acting_user), transaction.atomic():
        row = Qualification(
            federation_id=volunteer.federation_id,
            volunteer=volunteer,
            name=name[:100],
            issued_on=issued_on,
            valid_until=valid_until,
        )
        if upload is not None:
            evidence.attach(row, upload)
        row.save()
        return row


def qualification_remove(*, qualification: Qualification, acting_user: Any | None = None) -> None:
    """Withdraws a qualification recorded by mistake (the audit log keeps what it was)."""
    with audit.attributed_to(acting_user), transaction.atomic():
        qualification.delete()


def topic_require_qualification(
    *, topic: Topic, name: str, version: int | None = None, acting_user: Any | None = None
) -> Topic:
    """Staff set (or clear, with an empty name) the qualification a topic's lecturers must hold."""
    with audit.attributed_to(acting_user), transaction.atomic():
        topic.required_qualification = (name or "").strip()[:100]
        _with_version(topic, version)
        topic.save()
        return topic


# ------------------------------------------------------------------------------------------ other service
def other_service_record(
    *,
    volunteer: Volunteer,
    served_on: Any,
    hours: Any,
    description: str,
    upload: Any,
    acting_user: Any | None = None,
) -> OtherService:
    """A volunteer (or staff on her behalf) records service other than lecturing, with evidence; it counts in
    her service hours once staff approve it."""
    from decimal import Decimal, InvalidOperation

    from lectures import evidence

    try:
        amount = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        raise _refuse(MSG_SERVICE_HOURS_RANGE, "hours_range") from None
    if not Decimal("0.5") <= amount <= Decimal(24) or amount != amount.quantize(Decimal("0.1")):
        raise _refuse(MSG_SERVICE_HOURS_RANGE, "hours_range")
    if served_on > clock.today():
        raise _refuse(MSG_SERVICE_DATE_FUTURE, "date_future")
    if not (description or "").strip():
        raise _refuse(MSG_SERVICE_DESCRIPTION, "description_required")
    if upload is None:
        raise _refuse(MSG_SERVICE_EVIDENCE, "evidence_required")
    with audit.attributed_to(acting_user), transaction.atomic():
        row = OtherService(
            federation_id=volunteer.federation_id,
            volunteer=volunteer,
            served_on=served_on,
            hours=amount,
            description=description.strip()[:2000],
            recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        evidence.attach(row, upload)
        row.save()
        return row


def other_service_decide(
    *,
    service: OtherService,
    approve: bool,
    reason: str = "",
    version: int | None = None,
    acting_user: Any | None = None,
) -> OtherService:
    """Staff approve the hours (认定, they count from then on) or reject them with a reason."""
    with transaction.atomic():
        transition = "approve" if approve else "reject"
        OTHER_SERVICE_MACHINE.check(service, transition, reason=reason)
        service.decided_at = timezone.now()
        service.decision_reason = reason.strip()
        _with_version(service, version)
        OTHER_SERVICE_MACHINE.move(service, transition, reason=reason, acting_user=acting_user)
        return service


# ------------------------------------------------------------------------------------------ calendar feed
def feed_issue(*, user: Any, acting_user: Any | None = None) -> CalendarFeed:
    """The user's personal feed with a fresh secret token (the old URL, if any, stops working)."""
    import secrets

    with audit.attributed_to(acting_user or user), transaction.atomic():
        feed = CalendarFeed.objects.filter(user=user).first() or CalendarFeed(user=user)
        feed.token = secrets.token_urlsafe(32)
        feed.active = True
        feed.save()
        return feed


def feed_revoke(*, user: Any, acting_user: Any | None = None) -> None:
    """Ends the user's feed: its URL answers 404 from now on."""
    with audit.attributed_to(acting_user or user), transaction.atomic():
        feed = CalendarFeed.objects.filter(user=user, active=True).first()
        if feed is not None:
            feed.active = False
            feed.save()
