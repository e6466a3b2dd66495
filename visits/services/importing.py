"""Importing a visit file: create or update a visit and everything around it, all or nothing."""

import logging
import zoneinfo
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delegations.models import Delegation, Member
from reports.models import FollowUp, KeyPoint, Outcome

from ..conflicts import ProposedItem, check_booking
from ..enums import HOLDS_ROOMS, VisitStatus
from ..importer import VisitFile, VisitFileError
from ..models import AgendaItem, Institution, Official, Region, Venue, Visit, VisitOfficial
from ..scoping import HostForbidden, check_host_writable, host_ids
from .base import ServiceError, visit_length_problem
from .lifecycle import schedule_signature, visit_changes_record
from .workflow import status_record

logger = logging.getLogger(__name__)


@dataclass
class ImportResult:
    """What ``visit_import`` did: the visit, whether it was new, whether anything changed."""

    visit: Visit
    created: bool
    changed: bool
    sequence_bumped: bool
    warnings: list[str] = field(default_factory=list)


class AlreadyDecided(ServiceError):
    """A user registers a request letter whose visit is no longer a request waiting for the leadership's
    decision (it was decided, booked, held or cancelled). ``visit`` is that visit; ``str()`` is the
    message for the user."""

    def __init__(self, visit: Visit):
        self.visit = visit
        super().__init__(
            _(
                "Request letter %(number)s is already registered as visit %(id)s, which is “%(status)s” "
                "and no longer waits for the leadership's decision; change it on the visit's page."
            )
            % {
                "number": visit.delegation.request_letter_number,
                "id": visit.pk,
                "status": visit.get_status_display(),
            }
        )


class RegisteredAtAnotherHost(AlreadyDecided):
    """The file's request letter (guest institution and letter number) already belongs to a visit of
    another host. A letter is addressed to one host, and its delegation (size, members, letter date) is
    that visit's: importing it for a second host would rewrite the first host's delegation, and the model
    allows one delegation per letter (``delegation_unique_request_letter``), so it is refused. Answered
    as ``AlreadyDecided`` is (409 with ``visit``, that host's visit); ``str()`` names both hosts."""

    def __init__(self, visit: Visit, host_name: str):
        self.visit = visit
        ServiceError.__init__(
            self,
            _(
                "Request letter %(number)s of %(institution)s is already registered for %(other)s "
                "(visit %(id)s); it cannot be registered for %(host)s too. A letter to another host has "
                "its own number: check the number in the file."
            )
            % {
                "number": visit.delegation.request_letter_number,
                "institution": visit.delegation.institution.name,
                "other": visit.host.name,
                "id": visit.pk,
                "host": host_name,
            },
        )


def _save(obj, path: str, *, exclude: tuple[str, ...] = ()) -> None:
    """Validate a model instance with its own field rules, then save it; errors carry the file path."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = [
            (f"{path}.{name}", " ".join(str(m) for m in messages))
            for name, messages in exc.message_dict.items()
        ]
        raise VisitFileError(problems) from exc
    obj.save()


def _upsert(
    model, lookup: dict, values: dict, path: str, *, exclude: tuple[str, ...] = ()
) -> tuple[object, bool]:
    """Find the row by ``lookup`` and set ``values`` on it (or create it); returns (row, changed)."""
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
    changed = created
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.is_relation:
            current, wanted = getattr(obj, field.attname), (value.pk if value is not None else None)
        else:
            current, wanted = getattr(obj, name), value
        if current != wanted:
            setattr(obj, name, value)
            changed = True
    if changed:
        _save(obj, path, exclude=exclude)
    return obj, changed


def visit_import(*, data: VisitFile, by=None) -> ImportResult:
    """Create or update a visit, with its host, delegation, people, venues and agenda, from a visit file.

    ``data`` comes from ``importer.load_visit_file``. Rows are found by their natural keys (region code,
    institution name, official and venue name within the host, the delegation's request letter number,
    one visit per host and delegation), so importing the same file twice changes nothing, and a changed
    file updates the rows in place. All of it happens in one transaction: on any error nothing is saved.

    When the invitations were already sent and the schedule changed, ``Visit.sequence`` grows by one
    (RFC 5545 §3.8.7.4), so the next invitation supersedes the old one in calendars.

    ``by`` says who imports, and with it which rule applies:

    - ``None``: an administrator at the console (``manage.py import_visit``, ``demo_setup``), migrating
      existing records. The file's ``visit.status`` is taken as it is (none: a new visit is scheduled, an
      existing one keeps its status), and a visit in any state is updated.
    - a user: the registration of an incoming request letter (*surat permohonan*) through the API or the
      page. Only the leadership decides on a request (*disposisi*, ``workflow.visit_dispose``), so the
      visit is, and stays, ``requested``: a file whose ``visit.status`` is anything else is refused
      (``VisitFileError`` on ``visit.status``), and a letter whose visit has already left ``requested``
      (decided, booked, held or cancelled) is refused with ``AlreadyDecided``; that visit is changed on its
      own page. A still-requested visit is updated from the file.

    Raises ``VisitFileError`` (path and message per problem) when a value breaks a model rule, a user's
    file names a status other than ``requested``, or its request letter is dated or received after today
    in the host's zone (``_check_letter_dates``); ``scoping.HostForbidden`` when ``by`` does not work for
    the file's host, or the delegation's request letter is already registered with a host they do not work
    for (its rows are shared by that host's visit); ``AlreadyDecided`` as said above; and
    ``RegisteredAtAnotherHost`` (an ``AlreadyDecided``) when the letter is already registered for another
    host's visit, whoever imports: a delegation is never shared across hosts. Checked in that order;
    nothing is saved when any is raised.
    """
    _check_importer(data, by)
    registering = by is not None
    if registering:
        _check_letter_dates(data)
    if registering and data.status not in (None, VisitStatus.REQUESTED):
        raise VisitFileError(
            [
                (
                    "visit.status",
                    _(
                        "is “%(status)s”, but a registered request always starts as “requested”: only the "
                        "leadership decides on it; leave the field out or write “requested”"
                    )
                    % {"status": data.status},
                )
            ]
        )
    too_long = visit_length_problem(data.start, data.end)
    if too_long:
        raise VisitFileError([("visit.end_date", too_long)])
    try:
        with transaction.atomic():
            if registering:
                _check_still_requested(data)
            # What the invitation showed, taken before anything it shows (venues, delegation) is updated.
            earlier = _existing_visit(data)
            shown_before = None if earlier is None else schedule_signature(earlier)
            changed = False
            warnings = list(data.warnings)
            host, c = _host(data, warnings)
            changed |= c
            guest_region, c = _region(data.guest_region, "delegation.region", warnings)
            changed |= c
            if data.guest_name.casefold() == data.host_name.casefold():
                raise VisitFileError([("delegation.institution", _("is the host itself"))])
            guest, c = _upsert(
                Institution,
                {"name": _known_name(data.guest_name)},
                {"kind": data.guest_kind, "region": guest_region},
                "delegation",
            )
            changed |= c

            officials: dict[str, Official] = {}
            for index, person in enumerate(data.officials):
                official, c = _upsert(
                    Official,
                    {"institution": host, "name": person.name},
                    _keep_filled(
                        {
                            "position": person.position,
                            "unit": person.unit,
                            "email": person.email,
                            "precedence": person.precedence,
                        }
                    ),
                    f"host.officials[{index}]",
                )
                changed |= c
                officials[person.name.casefold()] = official
            venues: dict[str, Venue] = {}
            for index, item in enumerate(data.venues):
                venue, c = _upsert(
                    Venue,
                    {"institution": host, "name": item.name},
                    _keep_filled(
                        {
                            "kind": item.kind,
                            "address": item.address,
                            "capacity": item.capacity,
                            "description": item.description,
                        }
                    ),
                    f"host.venues[{index}]",
                )
                changed |= c
                venues[item.name.casefold()] = venue

            _check_letter_host(guest=guest, letter_number=data.letter_number, host=host)
            delegation, c = _upsert(
                Delegation,
                {"institution": guest, "request_letter_number": data.letter_number},
                {
                    "request_letter_date": data.letter_date,
                    "leader_name": data.leader.name,
                    "leader_position": data.leader.position,
                    "leader_email": data.leader.email,
                    "contact_name": data.contact.name,
                    "contact_position": data.contact.position,
                    "contact_email": data.contact.email,
                    "contact_phone": data.contact.phone,
                    "size": data.size,
                    "language": data.language,
                },
                "delegation",
            )
            changed |= c
            changed |= _sync_members(delegation, data)

            visit = Visit.objects.filter(host=host, delegation=delegation).first()
            created = visit is None
            if created:
                before = None
            elif earlier is not None and earlier.pk == visit.pk:
                before = shown_before
            else:
                before = schedule_signature(visit)
            previous_status = "" if created else visit.status
            if registering:
                # A user's registration: the request waits for the leadership (see the docstring).
                status = VisitStatus.REQUESTED
            else:
                # A file without a status leaves an existing visit's status alone (it may be completed by now).
                status = data.status or (VisitStatus.SCHEDULED if created else previous_status)
            visit, c = _upsert(
                Visit,
                {"host": host, "delegation": delegation},
                {
                    "kind": data.kind,
                    "title": data.title,
                    "topics": data.topics,
                    "start": data.start,
                    "end": data.end,
                    "timezone": data.timezone,
                    "venue": venues.get(data.venue.casefold()) if data.venue else None,
                    "status": status,
                },
                "visit",
                exclude=("uid",),
            )
            changed |= c
            if status in HOLDS_ROOMS:
                warnings += _check_against_other_bookings(visit, data, officials, venues)
            else:
                # A request holds no room yet, but its agenda must still make sense on its own.
                _check_against_other_bookings(visit, data, officials, venues, own_agenda_only=True)
            changed |= _sync_visit_officials(visit, data, officials)
            changed |= _sync_agenda(visit, data, officials, venues)
            changed |= _sync_outcome(visit, data)

            if visit.status != previous_status:
                status_record(
                    visit=visit,
                    from_status=previous_status,
                    to_status=visit.status,
                    by=by,
                    note=_("Imported from a visit file."),
                )
            bumped = before is not None and visit_changes_record(visit=visit, before=before, by=by)
    except IntegrityError as exc:
        # PostgreSQL's room constraint (checked at commit): another booking took the room meanwhile.
        raise VisitFileError(
            [("visit", _("A room in this agenda was booked by someone else a moment ago."))]
        ) from exc
    logger.debug("visit %s imported (created=%s, changed=%s) by %s", visit.pk, created, changed, by)
    return ImportResult(
        visit=visit, created=created, changed=changed, sequence_bumped=bumped, warnings=warnings
    )


def host_import(*, data: VisitFile) -> Institution:
    """Create or update only the host institution of a visit file (and its region), as ``visit_import``
    does; returns it. For setting up a host's staff before its first visit (``demo_setup``, tests).

    Raises ``VisitFileError`` when a value breaks a model rule; nothing is saved then.
    """
    with transaction.atomic():
        return _host(data, [])[0]


def _host(data: VisitFile, warnings: list[str]) -> tuple[Institution, bool]:
    """The host institution of ``data``, created or updated, and whether anything changed."""
    host_region, changed = _region(data.host_region, "host.region", warnings)
    host_values = {"kind": data.host_kind, "region": host_region}
    for key, name in (
        ("subtitle", "letterhead_subtitle"),
        ("address", "address"),
        ("phone", "phone"),
    ):
        if data.letterhead.get(key):
            host_values[name] = data.letterhead[key]
    for key in ("email", "website"):
        if data.letterhead.get(key):
            host_values[key] = data.letterhead[key]
    host_values |= {
        "organizer_name": data.organizer.name,
        "organizer_position": data.organizer.position,
        "organizer_email": data.organizer.email,
    }
    host, c = _upsert(Institution, {"name": _known_name(data.host_name)}, host_values, "host")
    return host, changed or c


def _check_importer(data: VisitFile, by) -> None:
    """Refuse a user's import for a host they do not work for (see ``visit_import``)."""
    if by is None or host_ids(by) is None:
        return
    host = Institution.objects.filter(name=_known_name(data.host_name)).first()
    check_host_writable(by, host)
    elsewhere = Visit.objects.filter(
        delegation__institution__name=_known_name(data.guest_name),
        delegation__request_letter_number=data.letter_number,
    ).exclude(host__in=host_ids(by))
    if elsewhere.exists():
        raise HostForbidden(
            _(
                "Request letter %(number)s is already registered with another host; "
                "ask an administrator to register it."
            )
            % {"number": data.letter_number}
        )


def _check_letter_dates(data: VisitFile) -> None:
    """Refuse a registration whose request letter is dated, or was received, after today in the host's zone
    (its region's): a letter cannot come from the future; such a date is a typing slip (2052 for 2025).

    Only a user's registration of an incoming letter is checked; the console import (``by`` None) takes
    existing records as they are, as it does their status.
    """
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(data.host_region.timezone))
    problems = [
        (
            f"request.{key}",
            _("%(date)s is after today (%(today)s): a letter cannot be dated in the future")
            % {"date": value, "today": today},
        )
        for key, value in (("letter_date", data.letter_date), ("received_date", data.received_date))
        if value is not None and value > today
    ]
    if problems:
        raise VisitFileError(problems)


def _existing_visit(data: VisitFile) -> Visit | None:
    """The visit that ``data`` updates (its host and request letter, as ``visit_import`` finds it), or None."""
    return (
        Visit.objects.filter(
            host__name=_known_name(data.host_name),
            delegation__institution__name=_known_name(data.guest_name),
            delegation__request_letter_number=data.letter_number,
        )
        .order_by("pk")
        .first()
    )


def _check_letter_host(*, guest: Institution, letter_number: str, host: Institution) -> None:
    """Refuse a request letter already registered for a visit of another host (``RegisteredAtAnotherHost``):
    its delegation row would be shared by both hosts' visits, and the import would rewrite the other's."""
    elsewhere = (
        Visit.objects.select_related("host", "delegation__institution")
        .filter(delegation__institution=guest, delegation__request_letter_number=letter_number)
        .exclude(host=host)
        .order_by("pk")
        .first()
    )
    if elsewhere is not None:
        raise RegisteredAtAnotherHost(elsewhere, host.name)


def _check_still_requested(data: VisitFile) -> None:
    """Refuse a user's registration of a letter whose visit has left ``requested`` (see ``visit_import``).

    Runs inside ``visit_import``'s transaction and locks that visit's row, so a disposition made at the
    same moment either comes first (and this refuses) or waits for the registration to finish."""
    # Locked whatever its status (then checked here), so that a decision committed meanwhile is seen.
    existing = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("delegation")
        .filter(
            host__name=_known_name(data.host_name),
            delegation__institution__name=_known_name(data.guest_name),
            delegation__request_letter_number=data.letter_number,
        )
        .first()
    )
    if existing is not None and existing.status != VisitStatus.REQUESTED:
        raise AlreadyDecided(existing)


def _region(region, path: str, warnings: list[str]) -> tuple[Region, bool]:
    """The region of that Kemendagri code: created when new; an existing one is never changed by a visit
    file (it is shared by every visit and loaded from the reference data), only reported when it differs."""
    existing = Region.objects.filter(code=region.code).first()
    if existing is None:
        row, _changed = _upsert(
            Region,
            {"code": region.code},
            {
                "name": region.name,
                "kind": region.kind,
                "province": region.province,
                "timezone": region.timezone,
            },
            path,
        )
        return row, True
    if (existing.name, existing.kind, existing.timezone) != (region.name, region.kind, region.timezone):
        warnings.append(
            _(
                "%(path)s: region %(code)s is known as %(name)s (%(zone)s); the file's description was not applied"
            )
            % {"path": path, "code": region.code, "name": existing.name, "zone": existing.timezone}
        )
    return existing, False


def _known_name(name: str) -> str:
    """An institution's stored name when one matches ``name`` but for case, else ``name``."""
    return Institution.objects.filter(name__iexact=name).values_list("name", flat=True).first() or name


def _keep_filled(values: dict) -> dict:
    """Leave out empty values, so that a file that omits an official's e-mail does not erase it."""
    return {key: value for key, value in values.items() if value not in ("", None)}


def _agenda_venue(item, data: VisitFile, venues: dict[str, Venue]) -> Venue | None:
    """An item's room: its own, or else the visit's main venue (it holds that room)."""
    name = item.venue or data.venue
    return venues.get(name.casefold()) if name else None


def _agenda_official(item, officials: dict[str, Official]) -> Official | None:
    person = item.speaker or item.guide
    return officials.get(person.casefold()) if person else None


def _check_against_other_bookings(
    visit: Visit,
    data: VisitFile,
    officials: dict[str, Official],
    venues: dict[str, Venue],
    *,
    own_agenda_only: bool = False,
) -> list[str]:
    """Refuse a file whose agenda clashes with another booking (room, official, overlapping items); return
    the rules' warnings as text. Past visits may be imported (a record of what happened).

    ``own_agenda_only``: only the agenda's own rules (items that overlap, lie outside the visit or end
    before they start), for a visit that holds no room yet; no warnings are returned then."""
    items = []
    for item in data.agenda:
        room, official = _agenda_venue(item, data, venues), _agenda_official(item, officials)
        if own_agenda_only:
            # Without a room or an official, check_booking compares the items with nothing else.
            room = official = None
        items.append(
            ProposedItem(
                item.start,
                item.end,
                room.pk if room else None,
                official.pk if official else None,
                item.title,
                item.kind,
            )
        )
    report = check_booking(
        host=visit.host,
        start=data.start,
        end=data.end,
        items=items,
        zone=data.timezone,
        delegation_id=None if own_agenda_only else visit.delegation_id,
        delegation_size=data.size,
        exclude_visit_id=visit.pk,
        allow_past=True,
    )
    if report.errors:
        raise VisitFileError(
            [(data.agenda[f.item].path if f.item is not None else "visit", f.message) for f in report.errors]
        )
    return [] if own_agenda_only else [f"visit: {f.message}" for f in report.warnings]


def _sync_members(delegation: Delegation, data: VisitFile) -> bool:
    changed = False
    wanted = []
    for index, person in enumerate(data.members):
        member, c = _upsert(
            Member,
            {"delegation": delegation, "name": person.name},
            {"position": person.position, "email": person.email, "order": index},
            f"delegation.members[{index}]",
        )
        changed |= c
        wanted.append(member.pk)
    deleted, _detail = delegation.members.exclude(pk__in=wanted).delete()
    return changed or bool(deleted)


def _sync_visit_officials(visit: Visit, data: VisitFile, officials: dict[str, Official]) -> bool:
    changed = False
    wanted = []
    for index, person in enumerate(data.officials):
        if not person.role:
            continue
        part, c = _upsert(
            VisitOfficial,
            {"visit": visit, "official": officials[person.name.casefold()]},
            {"role": person.role},
            f"host.officials[{index}]",
        )
        changed |= c
        wanted.append(part.pk)
    deleted, _detail = visit.visit_officials.exclude(pk__in=wanted).delete()
    return changed or bool(deleted)


def _sync_agenda(
    visit: Visit, data: VisitFile, officials: dict[str, Official], venues: dict[str, Venue]
) -> bool:
    """Match agenda items by position: update in place, add the new ones, delete the surplus."""
    existing = list(visit.agenda_items.order_by("start", "end", "pk"))
    changed = False
    for index, item in enumerate(data.agenda):
        person = item.speaker or item.guide
        official = officials.get(person.casefold()) if person else None
        values = {
            "start": item.start,
            "end": item.end,
            "kind": item.kind,
            "title": item.title,
            "venue": _agenda_venue(item, data, venues),
            "official": official,
            "guest_speaker": person if person and official is None else "",
            "holds_room": visit.status in HOLDS_ROOMS,
        }
        row = existing[index] if index < len(existing) else AgendaItem(visit=visit)
        dirty = row.pk is None
        for name, value in values.items():
            attname = f"{name}_id" if name in ("venue", "official") else name
            wanted = getattr(value, "pk", value) if name in ("venue", "official") else value
            if getattr(row, attname) != wanted:
                setattr(row, name, value)
                dirty = True
        if dirty:
            _save(row, item.path)
            changed = True
    surplus = [row.pk for row in existing[len(data.agenda) :]]
    if surplus:
        AgendaItem.objects.filter(pk__in=surplus).delete()
        changed = True
    return changed


def _sync_outcome(visit: Visit, data: VisitFile) -> bool:
    changed = False
    _outcome, c = _upsert(
        Outcome,
        {"visit": visit},
        {"photo_caption": data.photo_caption, "news_byline": data.news_byline},
        "outcome",
    )
    changed |= c
    for index, text in enumerate(data.points):
        _point, c = _upsert(
            KeyPoint, {"visit": visit, "position": index + 1}, {"text": text}, f"outcome.points[{index}]"
        )
        changed |= c
    deleted, _detail = visit.key_points.filter(position__gt=len(data.points)).delete()
    changed |= bool(deleted)
    for index, item in enumerate(data.follow_ups):
        _row, c = _upsert(
            FollowUp,
            {"visit": visit, "position": index + 1},
            {"text": item.text, "owner_unit": item.owner_unit, "due_date": item.due_date},
            f"outcome.follow_ups[{index}]",
        )
        changed |= c
    deleted, _detail = visit.follow_ups.filter(position__gt=len(data.follow_ups)).delete()
    return changed or bool(deleted)
