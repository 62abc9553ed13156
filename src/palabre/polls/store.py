"""Meeting polls: made by an organiser with their slots and invitation links, answered by
link, tallied, exported as CSV, and closed on a slot, which makes the event (in the
organiser's or the space's calendar), its meeting room with the lobby on, the iMIP
invitations of those who answered with an e-mail address, and a notification to those who
answered with an account. `base`: the server's address, for
the links."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..accounts.users import User
from ..bus import Event, user_topic
from ..calendars import events as calendar_events
from ..calendars.events import Mailing
from ..calendars.freebusy import busy as busy_times
from ..calendars.ical import Attendee, EventFields, zone
from ..calendars.policy import personal_calendar, space_calendar
from ..db import utcnow
from ..errors import Conflict, Gone, Invalid
from ..meeting.names import LOBBY_ROOM_PREFIX, generate_room_name
from ..notify.store import add_notification
from . import rules
from .models import Poll, PollAnswer, PollInvite, PollSlot
from .policy import invited, may_create, organised
from .views import AnswerView, InviteView, PollSummary, PollView, SlotView, VoterView

Events = list[tuple[str, Event]]


def _slots(session: Session, poll_id: str) -> list[PollSlot]:
    return list(session.scalars(
        select(PollSlot).where(PollSlot.poll_id == poll_id)
        .order_by(PollSlot.starts_at, PollSlot.id)
    ))  # fmt: skip


def _answers(session: Session, poll_id: str) -> list[PollAnswer]:
    return list(session.scalars(
        select(PollAnswer).where(PollAnswer.poll_id == poll_id).order_by(PollAnswer.id)
    ))  # fmt: skip


def _invites(session: Session, poll_id: str) -> list[PollInvite]:
    return list(session.scalars(
        select(PollInvite).where(PollInvite.poll_id == poll_id).order_by(PollInvite.id)
    ))  # fmt: skip


def poll_link(base: str, token: str) -> str:
    return f"{base}/poll/{token}"


def room_link(base: str, room: str | None) -> str | None:
    return f"{base}/{room}" if room else None


def _slot_views(slots: list[PollSlot], answers: list[PollAnswer], counted: bool) -> list[SlotView]:
    counts = {
        c.slot_id: c for c in rules.tally([s.id for s in slots], [a.choices for a in answers])
    }
    return [
        SlotView(id=s.id, start=s.starts_at, end=s.ends_at,
                 yes=counts[s.id].yes if counted else None,
                 maybe=counts[s.id].maybe if counted else None,
                 no=counts[s.id].no if counted else None)
        for s in slots
    ]  # fmt: skip


def _answer_view(answer: PollAnswer) -> AnswerView:
    return AnswerView(name=answer.name, choices=dict(answer.choices), comment=answer.comment)


def poll_view(session: Session, poll: Poll, base: str) -> PollView:
    slots, answers, invites = (
        _slots(session, poll.id),
        _answers(session, poll.id),
        _invites(session, poll.id),
    )
    answered = {a.invite_id for a in answers}
    counts = rules.tally([s.id for s in slots], [a.choices for a in answers])
    calendar_id = None
    if poll.event_uid is not None:
        calendar = (space_calendar(session, poll.space_id) if poll.space_id is not None
                    else personal_calendar(session, poll.owner_id))  # fmt: skip
        calendar_id = calendar.id
    return PollView(
        id=poll.id, title=poll.title, description=poll.description, timezone=poll.timezone,
        deadline=poll.deadline, hidden_results=poll.hidden_results, space=poll.space_id,
        created_at=poll.created_at, closed_at=poll.closed_at, chosen_slot=poll.chosen_slot_id,
        event_uid=poll.event_uid, calendar=calendar_id, room=poll.room,
        slots=_slot_views(slots, answers, True), best_slots=rules.best_slots(counts),
        invites=[InviteView(id=i.id, label=i.label, email=i.email,
                            link=poll_link(base, i.token), answered=i.id in answered)
                 for i in invites],
        answers=[_answer_view(a) for a in answers],
        agents_link=poll_link(base, poll.agents_token) if poll.agents_token else None,
    )  # fmt: skip


def _new_invite(session: Session, poll: Poll, label: str, email: str | None) -> PollInvite:
    if email is not None:
        email = email.strip()
        if "@" not in email or len(email) > 320 or any(c in email for c in ' \r\n<>,;:"'):
            raise Invalid(f"{email!r} is not an e-mail address")
    count = session.scalar(select(func.count()).where(PollInvite.poll_id == poll.id)) or 0
    if count >= rules.MAX_INVITES:
        raise Conflict(f"at most {rules.MAX_INVITES} invitations per poll")
    invite = PollInvite(
        poll_id=poll.id,
        token=secrets.token_urlsafe(24),
        label=rules.clean_text(label, 128, "label"),
        email=email or None,
    )
    session.add(invite)
    session.flush()
    return invite


def create_poll(
    session: Session, user_id: int, title: str, description: str, timezone: str,
    slots: list[tuple[datetime, datetime]], deadline: datetime | None, hidden_results: bool,
    space_id: int | None, invites: list[tuple[str, str | None]], base: str,
    agents_link: bool = False,
) -> PollView:  # fmt: skip
    """`agents_link`: the poll has an organisation link too, which signed-in accounts open
    to answer as themselves (one answer per person)."""
    may_create(session, user_id, space_id)
    zone(timezone)
    rules.check_slots(slots)
    if deadline is not None and deadline.tzinfo is None:
        raise Invalid("the deadline carries its offset")
    poll = Poll(
        id=uuid.uuid4().hex, owner_id=user_id, space_id=space_id,
        title=rules.clean_text(title, rules.MAX_TITLE, "title", required=True),
        description=rules.clean_text(description, rules.MAX_DESCRIPTION, "description"),
        timezone=timezone, deadline=deadline, hidden_results=hidden_results,
        agents_token=secrets.token_urlsafe(24) if agents_link else None,
    )  # fmt: skip
    session.add(poll)
    session.flush()
    for start, end in sorted(slots):
        session.add(PollSlot(poll_id=poll.id, starts_at=start, ends_at=end))
    for label, email in invites:
        _new_invite(session, poll, label, email)
    session.flush()
    return poll_view(session, poll, base)


def list_polls(session: Session, user_id: int) -> list[PollSummary]:
    polls = session.scalars(
        select(Poll).where(Poll.owner_id == user_id).order_by(Poll.created_at.desc())
    )
    return [PollSummary(id=p.id, title=p.title, created_at=p.created_at, closed_at=p.closed_at,
                        answers=len(_answers(session, p.id))) for p in polls]  # fmt: skip


def get_poll(session: Session, user_id: int, poll_id: str, base: str) -> PollView:
    return poll_view(session, organised(session, user_id, poll_id), base)


def add_invite(
    session: Session, user_id: int, poll_id: str, label: str, email: str | None, base: str
) -> InviteView:
    poll = organised(session, user_id, poll_id)
    if poll.closed_at is not None:
        raise Gone("this poll is closed")
    invite = _new_invite(session, poll, label, email)
    return InviteView(id=invite.id, label=invite.label, email=invite.email,
                      link=poll_link(base, invite.token), answered=False)  # fmt: skip


def delete_poll(session: Session, user_id: int, poll_id: str) -> None:
    poll = organised(session, user_id, poll_id)
    session.execute(delete(PollAnswer).where(PollAnswer.poll_id == poll.id))
    session.execute(delete(PollInvite).where(PollInvite.poll_id == poll.id))
    session.execute(delete(PollSlot).where(PollSlot.poll_id == poll.id))
    session.delete(poll)


def is_open(poll: Poll) -> bool:
    return poll.closed_at is None and (poll.deadline is None or poll.deadline > utcnow())


def _mine(
    session: Session, poll: Poll, invite: PollInvite | None, user_id: int | None
) -> PollAnswer | None:
    """The answer of this link (an invitee's), or of this account (the organisation link)."""
    if invite is not None:
        return session.scalar(select(PollAnswer).where(PollAnswer.invite_id == invite.id))
    return session.scalar(
        select(PollAnswer).where(
            PollAnswer.poll_id == poll.id,
            PollAnswer.user_id == user_id,
            PollAnswer.invite_id.is_(None),
        )
    )


def voter_view(session: Session, token: str, base: str, user_id: int | None = None) -> VoterView:
    """What a link shows: an invitee's, or the organisation link's to `user_id` signed in."""
    poll, invite = invited(session, token, user_id)
    slots, answers = _slots(session, poll.id), _answers(session, poll.id)
    owner = session.get(User, poll.owner_id)
    mine = _mine(session, poll, invite, user_id)
    shown = not poll.hidden_results
    me = session.get(User, user_id) if invite is None and user_id is not None else None
    return VoterView(
        title=poll.title, description=poll.description,
        organizer=owner.display_name if owner is not None else "", timezone=poll.timezone,
        deadline=poll.deadline, open=is_open(poll), hidden_results=poll.hidden_results,
        chosen_slot=poll.chosen_slot_id, room_link=room_link(base, poll.room),
        slots=_slot_views(slots, answers, shown),
        mine=_answer_view(mine) if mine is not None else None,
        others=[_answer_view(a) for a in answers if a.id != (mine.id if mine else None)]
        if shown else [],
        as_account=me.display_name if me is not None else None,
    )  # fmt: skip


def answer(
    session: Session,
    token: str,
    name: str,
    choices: dict[str, str],
    comment: str,
    base: str,
    user_id: int | None = None,
) -> tuple[VoterView, Events]:
    """The answer of a link (a second one replaces the first); `user_id`: answered signed
    in, so the account's e-mail address gets the invitation if the link had none. By the
    organisation link, the account answers as itself: one answer per person, under their
    display name unless they give another."""  # fmt: skip
    poll, invite = invited(session, token, user_id)
    if not is_open(poll):
        raise Gone("this poll is closed")
    slots = _slots(session, poll.id)
    cleaned = rules.clean_choices(choices, [s.id for s in slots])
    if invite is None and not name.strip():
        me = session.get(User, user_id)
        name = me.display_name if me is not None else name
    name = rules.clean_name(name)
    found = _mine(session, poll, invite, user_id)
    if found is None:
        found = PollAnswer(poll_id=poll.id, invite_id=invite.id if invite else None)
        session.add(found)
    found.name = name
    if user_id is not None:
        found.user_id = user_id
    found.choices = cleaned
    found.comment = rules.clean_text(comment, rules.MAX_COMMENT, "comment")
    found.updated_at = utcnow()
    session.flush()
    event: Event = {"type": "poll.answered", "poll": poll.id}
    _, told = add_notification(session, poll.owner_id, "poll", text=f"{found.name}: {poll.title}",
                               space_id=poll.space_id)  # fmt: skip
    return voter_view(session, token, base, user_id), [(user_topic(poll.owner_id), event), told]


def _slot_label(slot: PollSlot, tz: ZoneInfo) -> str:
    start, end = slot.starts_at.astimezone(tz), slot.ends_at.astimezone(tz)
    return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}"


def answers_csv(session: Session, user_id: int, poll_id: str) -> str:
    poll = organised(session, user_id, poll_id)
    tz = zone(poll.timezone)
    slots = [(s.id, _slot_label(s, tz)) for s in _slots(session, poll.id)]
    rows = [(a.name, a.choices, a.comment) for a in _answers(session, poll.id)]
    return rules.table_csv(slots, rows)


def _attendees(session: Session, poll: Poll) -> list[Attendee]:
    """Those who answered with an e-mail address: their invitation's (the organiser's
    entry) or their account's."""
    found: dict[str, Attendee] = {}
    invites = {i.id: i for i in _invites(session, poll.id)}
    for given in _answers(session, poll.id):
        email = None
        if given.invite_id is not None and given.invite_id in invites:
            email = invites[given.invite_id].email
        if email is None and given.user_id is not None:
            user = session.get(User, given.user_id)
            email = user.email if user is not None else None
        if email:
            found.setdefault(email.casefold(), Attendee(email, given.name))
    return list(found.values())


def close_poll(
    session: Session, user_id: int, poll_id: str, slot_id: int, base: str, fallback_email: str
) -> tuple[PollView, list[Mailing], Events]:
    """Close the poll on a slot: the event in the organiser's (or the space's) calendar, a
    meeting room with its lobby on, invitations to those who answered with an e-mail."""
    poll = organised(session, user_id, poll_id)
    if poll.closed_at is not None:
        raise Conflict("this poll is already closed")
    slot = next((s for s in _slots(session, poll.id) if s.id == slot_id), None)
    if slot is None:
        raise Invalid("this poll offers no such slot")
    may_create(session, user_id, poll.space_id)
    calendar = (space_calendar(session, poll.space_id) if poll.space_id is not None
                else personal_calendar(session, user_id))  # fmt: skip
    room = LOBBY_ROOM_PREFIX + generate_room_name()
    link = f"{base}/{room}"
    tz = zone(poll.timezone)
    description = "\n\n".join(part for part in (poll.description, link) if part)
    fields = EventFields(
        summary=poll.title, start=slot.starts_at.astimezone(tz),
        end=slot.ends_at.astimezone(tz), timezone=poll.timezone, description=description,
        location=link, url=link, attendees=_attendees(session, poll),
        organizer=calendar_events.organizer_of(session, user_id, fallback_email),
    )  # fmt: skip
    detail, mailings, events = calendar_events.create_event(
        session, user_id, calendar.id, fields, notify=False
    )
    poll.closed_at = utcnow()
    poll.chosen_slot_id = slot.id
    poll.event_uid = detail.event.uid
    poll.room = room
    session.flush()
    closed: Event = {"type": "poll.closed", "poll": poll.id}
    told = _notify_closed(session, poll, fields, _slot_label(slot, tz))
    return poll_view(session, poll, base), mailings, [*events, (user_topic(user_id), closed),
                                                      *told]  # fmt: skip


def _notify_closed(session: Session, poll: Poll, fields: EventFields, chosen: str) -> Events:
    """Those who answered with an account (signed in, or by their address) hear of the
    chosen slot; the organiser does not."""
    users = {a.user_id for a in _answers(session, poll.id) if a.user_id is not None}
    users |= set(calendar_events.accounts_of(session, fields.attendees))
    told: Events = []
    for uid in sorted(users - {poll.owner_id}):
        _, event = add_notification(session, uid, "poll", text=f"✓ {poll.title}: {chosen}",
                                    space_id=poll.space_id)  # fmt: skip
        told.append(event)
    return told


def suggest_slots(
    session: Session, user_id: int, start: datetime, end: datetime, minutes: int, timezone: str
) -> list[tuple[datetime, datetime]]:
    """Candidate slots from the organiser's own free time (their calendars' busy periods)."""
    user = may_create(session, user_id, None)
    busy = busy_times(session, user_id, user.name, start, end)
    return rules.free_slots([(b.start, b.end) for b in busy], start, end, minutes, zone(timezone))
