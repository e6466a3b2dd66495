"""Reading a visit file (the format of docs/visit-format.md) into checked, plain data.

This module only parses and validates; ``visits.services.visit_import`` writes. Every problem is
reported with the path of the field that has it (``visit.agenda[3].end``), all at once, so a protocol
officer can fix a file in one pass.
"""

import contextlib
import datetime as dt
import functools
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from config.text import ONE_LINE_CONTROLS

from .enums import AgendaKind, InstitutionKind, OfficialRole, RegionKind, VenueKind, VisitKind, VisitStatus

# How long before the visit's start an arrival or registration item may begin (the delegation is asked
# to come early; the invitation's DTSTART is the opening, not the arrival).
ARRIVAL_LEAD = dt.timedelta(hours=2)

MAX_FILE_BYTES = 1024 * 1024
MAX_LIST_ITEMS = 100
# Dates a visit can plausibly have; keeps every later conversion between zones inside Python's range.
FIRST_YEAR, LAST_YEAR = 2000, 2100
_CONTROL_RE = ONE_LINE_CONTROLS  # config/text.py: every C0 control and DEL


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - {"localtime", "Factory", "posixrules"}


_TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class VisitFileError(Exception):
    """The file cannot be imported. ``problems`` lists ``(path, message)`` pairs, in file order."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("\n".join(f"{path}: {message}" for path, message in problems))


@dataclass
class RegionData:
    code: str
    name: str
    kind: str
    province: str
    timezone: str


@dataclass
class PersonData:
    name: str
    position: str = ""
    email: str = ""
    phone: str = ""
    unit: str = ""
    role: str = ""
    precedence: int = 100


@dataclass
class VenueData:
    name: str
    kind: str
    address: str
    capacity: int
    description: str = ""


@dataclass
class AgendaItemData:
    path: str
    start: dt.datetime | None
    end: dt.datetime | None
    kind: str
    title: str
    venue: str = ""
    speaker: str = ""
    guide: str = ""


@dataclass
class FollowUpData:
    text: str
    owner_unit: str = ""
    due_date: dt.date | None = None


@dataclass
class VisitFile:
    """Everything a visit file says, checked and with aware datetimes in the visit's zone."""

    host_name: str
    host_kind: str
    host_region: RegionData
    letterhead: dict[str, str]
    organizer: PersonData
    officials: list[PersonData]
    venues: list[VenueData]
    guest_name: str
    guest_kind: str
    guest_region: RegionData
    leader: PersonData
    contact: PersonData
    members: list[PersonData]
    size: int
    language: str
    letter_number: str
    letter_date: dt.date
    kind: str
    topics: list[str]
    title: str
    timezone: str
    start: dt.datetime
    end: dt.datetime
    venue: str
    # None: not in the file (a new visit is scheduled, an existing one keeps its status). Only the console
    # import takes it as it is; a user's registration must leave it out or say requested (visit_import).
    status: str | None
    agenda: list[AgendaItemData]
    points: list[str] = field(default_factory=list)
    follow_ups: list[FollowUpData] = field(default_factory=list)
    # When the host's office received the request letter, if the file says (not stored; checked only).
    received_date: dt.date | None = None
    photo_caption: str = ""
    news_byline: str = ""
    warnings: list[str] = field(default_factory=list)


def load_visit_file(path: str | Path) -> VisitFile:
    """Read and check a visit file. ``.json`` files are read as JSON, anything else as YAML.

    Returns a ``VisitFile``. Raises ``VisitFileError`` with every problem found (unreadable file, bad
    syntax, missing or malformed fields, times that do not fit). Reads nothing from the database.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise VisitFileError([(str(path), _("is larger than 1 MB; a visit file is a few kilobytes"))])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise VisitFileError([(str(path), _("cannot be read: %(error)s") % {"error": exc})]) from exc
    return parse_visit_data(decode_visit_text(text, json_file=path.suffix.lower() == ".json", name=str(path)))


class _NoAliasLoader(yaml.SafeLoader):
    """YAML's safe loader without anchors and aliases: a visit file never needs them, and an alias
    "bomb" of a few hundred bytes would otherwise expand to gigabytes."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a visit file", event.start_mark
            )
        return super().compose_node(parent, index)


# Dates stay text: YAML's own timestamp resolver turns an unquoted 2027-02-30 into an error about the
# whole file ("day is out of range for month", without a field), while ``_Reader.date`` reads the text
# and names the field, as it does for a quoted date.
_NoAliasLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def decode_visit_text(text: str, *, json_file: bool = False, name: str = "(file)"):
    """Decode a visit file's text (JSON when ``json_file``, else YAML without aliases) into plain data.

    YAML dates and timestamps are left as text (``_NoAliasLoader``); ``parse_visit_data`` checks them
    field by field. Raises ``VisitFileError`` for bad syntax, nesting too deep, or numbers too long to read.
    """
    if len(text) > MAX_FILE_BYTES:
        raise VisitFileError([(name, _("is larger than 1 MB; a visit file is a few kilobytes"))])
    try:
        return json.loads(text) if json_file else yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader
    except (json.JSONDecodeError, yaml.YAMLError, ValueError, RecursionError, OverflowError) as exc:
        raise VisitFileError([(name, _("is not valid YAML or JSON: %(error)s") % {"error": exc})]) from exc


def parse_visit_data(raw: Any) -> VisitFile:
    """Check already-decoded visit data (a dict as YAML or JSON gives it) and return a ``VisitFile``.

    Raises ``VisitFileError`` listing every problem. Unknown keys are not errors; they are returned as
    warnings, since visit files often carry notes for people (the seed file does).
    """
    reader = _Reader()
    result = reader.visit_file(raw)
    if reader.problems:
        raise VisitFileError(reader.problems)
    assert result is not None
    return result


class _Reader:
    """Walks the raw data, converting fields and collecting ``(path, message)`` problems."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []
        self.warnings: list[str] = []

    # -- primitives ------------------------------------------------------------------------------

    def problem(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def mapping(self, raw: Any, path: str, known: set[str], *, required: bool = True) -> dict | None:
        if raw is None:
            if required:
                self.problem(path, _("is missing"))
            return None
        if not isinstance(raw, dict):
            self.problem(path, _("must be a mapping of fields"))
            return None
        for key in raw:
            if key not in known:
                self.warnings.append(
                    _("%(path)s: unknown field “%(key)s” ignored") % {"path": path, "key": key}
                )
        return raw

    def text(
        self, data: dict | None, key: str, path: str, *, required: bool = True, default: str = ""
    ) -> str:
        value = None if data is None else data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required and data is not None:
                self.problem(f"{path}.{key}", _("is missing"))
            return default
        cleaned = self.one_line(value, f"{path}.{key}")
        return default if cleaned is None else cleaned

    def one_line(self, value: Any, where: str, *, max_length: int = 2000) -> str | None:
        """``value`` as one line of text, or None after reporting why it is not one."""
        if not isinstance(value, str):
            # YAML reads 0417 as the number 271 and 35.10 as 35.1: text fields must be written as text.
            self.problem(where, _('must be text; write it in quotes ("…")'))
            return None
        value = re.sub(" {2,}", " ", value).strip()
        if _CONTROL_RE.search(value):
            self.problem(where, _("must be one line, without line breaks or control characters"))
            return None
        if len(value) > max_length:
            self.problem(where, _("is longer than %(count)s characters") % {"count": max_length})
            return None
        return value

    def text_list(self, data: dict | None, key: str, path: str, *, max_length: int) -> list[str]:
        """A list of one-line texts, each at most ``max_length`` characters, at most MAX_LIST_ITEMS items."""
        items = self.sequence(data, key, path)
        if len(items) > MAX_LIST_ITEMS:
            self.problem(f"{path}.{key}", _("has more than %(count)s items") % {"count": MAX_LIST_ITEMS})
            return []
        cleaned = (
            self.one_line(item, f"{path}.{key}[{index}]", max_length=max_length)
            for index, item in enumerate(items)
        )
        return [value for value in cleaned if value]

    def email(self, data: dict | None, key: str, path: str, *, required: bool = False) -> str:
        value = self.text(data, key, path, required=required)
        if value:
            original = value
            local, _at, domain = value.rpartition("@")
            try:
                # Internationalised domains travel as IDNA (xn--…); the local part must be ASCII, as
                # most mail servers accept nothing else.
                value = f"{local}@{domain.encode('idna').decode('ascii')}"
                local.encode("ascii")
                validate_email(value)
            except (ValidationError, UnicodeError):
                self.problem(
                    f"{path}.{key}", _("“%(value)s” is not a valid e-mail address") % {"value": original}
                )
                return ""
        return value

    def positive_int(self, data: dict | None, key: str, path: str, *, required: bool = True) -> int:
        value = None if data is None else data.get(key)
        if value is None:
            if required and data is not None:
                self.problem(f"{path}.{key}", _("is missing"))
            return 0
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.problem(f"{path}.{key}", _("must be a whole number greater than zero"))
            return 0
        return value

    def date(self, data: dict | None, key: str, path: str, *, required: bool = True) -> dt.date | None:
        value = None if data is None else data.get(key)
        if value is None:
            if required and data is not None:
                self.problem(f"{path}.{key}", _("is missing"))
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            text = value.strip()
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(text)
            if isinstance(value, str) and _DATE_RE.match(text):
                # Written right, but no calendar has it: 2027-02-30, 2027-13-01.
                self.problem(
                    f"{path}.{key}",
                    _("%(value)s does not exist: check the day and the month") % {"value": text},
                )
                return None
        if not isinstance(value, dt.date):
            self.problem(
                f"{path}.{key}",
                _("“%(value)s” is not a date written as YYYY-MM-DD") % {"value": str(value)[:40]},
            )
            return None
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            self.problem(
                f"{path}.{key}",
                _("%(value)s is not between %(first)s and %(last)s")
                % {"value": value, "first": FIRST_YEAR, "last": LAST_YEAR},
            )
            return None
        return value

    def time(self, data: dict, key: str, path: str, *, required: bool = True) -> dt.time | None:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(f"{path}.{key}", _("is missing"))
            return None
        if isinstance(value, str):
            match = _TIME_RE.match(value.strip())
            if match:
                return dt.time(int(match.group(1)), int(match.group(2)))
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads an unquoted 10:15 as the base-60 number 615.
            self.problem(
                f"{path}.{key}",
                _("write the time in quotes as “HH:MM” (YAML reads an unquoted 10:15 as a number)"),
            )
            return None
        self.problem(f"{path}.{key}", _("“%(value)s” is not a time written as HH:MM") % {"value": value})
        return None

    def choice(self, data: dict | None, key: str, path: str, choices, *, default: str | None = None) -> str:
        raw = self.text(data, key, path, required=default is None)
        if not raw:
            return default or ""
        slug = re.sub(r"[\s\-]+", "_", raw.strip().lower())
        for value, label in choices.choices:
            if slug == value or raw.strip().lower() == str(label).lower():
                return value
        allowed = ", ".join(value.replace("_", " ") for value in choices.values)
        self.problem(
            f"{path}.{key}", _("“%(value)s” is not one of: %(allowed)s") % {"value": raw, "allowed": allowed}
        )
        return default or ""

    def timezone(
        self, data: dict | None, key: str, path: str, *, required: bool = True, default: str = ""
    ) -> str:
        value = self.text(data, key, path, required=required, default=default)
        if not value:
            return default
        if value not in _known_zones():
            self.problem(
                f"{path}.{key}",
                _(
                    "“%(value)s” is not a known IANA time zone (for example Asia/Jakarta, Asia/Makassar, Asia/Jayapura)"
                )
                % {"value": value[:100]},
            )
            return default
        return value

    def sequence(self, data: dict | None, key: str, path: str, *, required: bool = False) -> list:
        value = None if data is None else data.get(key)
        if value is None:
            if required and data is not None:
                self.problem(f"{path}.{key}", _("is missing"))
            return []
        if not isinstance(value, list):
            self.problem(f"{path}.{key}", _("must be a list"))
            return []
        return value

    # -- sections ---------------------------------------------------------------------------------

    def region(self, raw: Any, path: str) -> RegionData:
        data = self.mapping(raw, path, {"code", "name", "kind", "province", "timezone"})
        return RegionData(
            code=self.text(data, "code", path),
            name=self.text(data, "name", path),
            kind=self.choice(data, "kind", path, RegionKind),
            province=self.text(data, "province", path, required=False),
            timezone=self.timezone(data, "timezone", path),
        )

    def person(self, raw: Any, path: str, *, known: set[str], require_position: bool = True) -> PersonData:
        data = self.mapping(raw, path, known)
        precedence = 100
        if data is not None and "precedence" in data:
            precedence = self.positive_int(data, "precedence", path)
        return PersonData(
            name=self.text(data, "name", path),
            position=self.text(data, "position", path, required=require_position),
            email=self.email(data, "email", path),
            phone=self.text(data, "phone", path, required=False),
            unit=self.text(data, "unit", path, required=False),
            role=self.choice(data, "role", path, OfficialRole, default="") if data and "role" in data else "",
            precedence=precedence,
        )

    def unique_names(self, items, path: str, what: str) -> None:
        seen: set[str] = set()
        for index, item in enumerate(items):
            key = item.name.casefold()
            if item.name and key in seen:
                self.problem(
                    f"{path}[{index}].name",
                    _("“%(name)s” appears twice in %(what)s") % {"name": item.name, "what": what},
                )
            seen.add(key)

    def visit_file(self, raw: Any) -> VisitFile | None:
        root = self.mapping(raw, "(file)", {"host", "delegation", "request", "visit", "outcome"})
        if root is None:
            return None
        host = self.mapping(
            root.get("host"),
            "host",
            {"institution", "kind", "region", "letterhead", "organizer", "officials", "venues", "sites"},
        )
        guest = self.mapping(
            root.get("delegation"),
            "delegation",
            {"institution", "kind", "region", "leader", "contact", "members", "size", "language"},
        )
        request = self.mapping(
            root.get("request"),
            "request",
            {"letter_number", "letter_date", "kind", "topics", "received_date"},
        )
        visit = self.mapping(
            root.get("visit"),
            "visit",
            {"title", "date", "end_date", "start", "end", "timezone", "venue", "status", "agenda"},
        )
        outcome = self.mapping(
            root.get("outcome"),
            "outcome",
            {"points", "follow_ups", "photo_caption_hint", "photo_caption", "news_byline"},
            required=False,
        )

        host_name = self.text(host, "institution", "host")
        host_kind = self.choice(
            host, "kind", "host", InstitutionKind, default=InstitutionKind.REGIONAL_GOVERNMENT
        )
        host_region = self.region(host.get("region") if host else None, "host.region")
        letterhead_raw = self.mapping(
            host.get("letterhead") if host else None,
            "host.letterhead",
            {"subtitle", "address", "phone", "email", "website"},
            required=False,
        )
        letterhead = {
            key: self.text(letterhead_raw, key, "host.letterhead", required=False)
            for key in ("subtitle", "address", "phone", "website")
        }
        letterhead["email"] = self.email(letterhead_raw, "email", "host.letterhead")
        organizer = self.person(
            host.get("organizer") if host else None, "host.organizer", known={"name", "position", "email"}
        )
        organizer_raw = host.get("organizer") if host else None
        if isinstance(organizer_raw, dict) and not organizer_raw.get("email"):
            self.problem("host.organizer.email", _("is missing (invitations are sent from this address)"))

        official_fields = {"name", "position", "role", "email", "unit", "precedence"}
        officials = [
            self.person(item, f"host.officials[{i}]", known=official_fields)
            for i, item in enumerate(self.sequence(host, "officials", "host"))
        ]
        self.unique_names(officials, "host.officials", _("the host's officials"))
        venues = [
            self.venue(item, f"host.venues[{i}]", site=False)
            for i, item in enumerate(self.sequence(host, "venues", "host"))
        ]
        venues += [
            self.venue(item, f"host.sites[{i}]", site=True)
            for i, item in enumerate(self.sequence(host, "sites", "host"))
        ]
        self.unique_names(venues, "host.venues", _("the host's venues and sites"))

        guest_name = self.text(guest, "institution", "delegation")
        guest_kind = self.choice(
            guest, "kind", "delegation", InstitutionKind, default=InstitutionKind.REGIONAL_GOVERNMENT
        )
        guest_region = self.region(guest.get("region") if guest else None, "delegation.region")
        leader = self.person(
            guest.get("leader") if guest else None, "delegation.leader", known={"name", "position", "email"}
        )
        contact_raw = guest.get("contact") if guest else None
        contact = (
            self.person(
                contact_raw,
                "delegation.contact",
                known={"name", "position", "email", "phone"},
                require_position=False,
            )
            if contact_raw is not None
            else PersonData(name="")
        )
        members = [
            self.person(
                item, f"delegation.members[{i}]", known={"name", "position", "email"}, require_position=False
            )
            for i, item in enumerate(self.sequence(guest, "members", "delegation"))
        ]
        self.unique_names(members, "delegation.members", _("the delegation's members"))
        size = self.positive_int(guest, "size", "delegation")
        language = self.text(guest, "language", "delegation", required=False, default="id")
        if language not in {"id", "en"}:
            self.problem("delegation.language", _("must be “id” or “en”"))
        named = 1 + len(members)
        if size and size < named:
            self.problem(
                "delegation.size",
                _("is %(size)s, but the leader and members already name %(named)s people")
                % {"size": size, "named": named},
            )

        letter_number = self.text(request, "letter_number", "request")
        letter_date = self.date(request, "letter_date", "request")
        received_date = self.date(request, "received_date", "request", required=False)
        if letter_date and received_date and received_date < letter_date:
            self.problem(
                "request.received_date",
                _("%(received)s is before the letter's date %(date)s")
                % {"received": received_date, "date": letter_date},
            )
        kind = self.choice(request, "kind", "request", VisitKind)
        topics = self.text_list(request, "topics", "request", max_length=300)

        title = self.text(visit, "title", "visit")
        zone = self.timezone(visit, "timezone", "visit", required=False, default=host_region.timezone)
        # No status in the file: a new visit is scheduled, an existing one keeps its own (see VisitFile); a
        # user's registration refuses any but requested (visits.services.visit_import).
        status = self.choice(visit, "status", "visit", VisitStatus, default="") or None
        main_venue = self.text(visit, "venue", "visit", required=False)
        first_day = self.date(visit, "date", "visit")
        last_day = self.date(visit, "end_date", "visit", required=False) or first_day
        if first_day and last_day and last_day < first_day:
            self.problem(
                "visit.end_date",
                _("%(end)s is before the visit's date %(start)s") % {"end": last_day, "start": first_day},
            )

        tz = zoneinfo.ZoneInfo(zone) if zone else None
        agenda = [
            item
            for i, raw_item in enumerate(self.sequence(visit, "agenda", "visit"))
            if (item := self.agenda_item(raw_item, f"visit.agenda[{i}]", first_day, last_day, tz)) is not None
        ]
        timed = [item for item in agenda if item.start and item.end]
        start, end = self.window(visit, first_day, last_day, tz, timed)
        if start and end:
            for item in timed:
                earliest = start - ARRIVAL_LEAD if item.kind == AgendaKind.ARRIVAL else start
                if item.start < earliest or item.end > end:
                    self.problem(
                        item.path,
                        _("%(start)s–%(end)s is outside the visit (%(visit_start)s–%(visit_end)s)")
                        % {
                            "start": item.start.strftime("%Y-%m-%d %H:%M"),
                            "end": item.end.strftime("%H:%M"),
                            "visit_start": start.strftime("%Y-%m-%d %H:%M"),
                            "visit_end": end.strftime("%Y-%m-%d %H:%M"),
                        },
                    )

        self.check_references(visit, agenda, officials, venues, leader, members, main_venue)

        points = self.text_list(outcome, "points", "outcome", max_length=2000)
        follow_ups = [
            self.follow_up(item, f"outcome.follow_ups[{i}]")
            for i, item in enumerate(self.sequence(outcome, "follow_ups", "outcome"))
        ]
        photo_caption = self.text(outcome, "photo_caption", "outcome", required=False) or self.text(
            outcome, "photo_caption_hint", "outcome", required=False
        )
        if self.problems:
            return None
        return VisitFile(
            host_name=host_name,
            host_kind=host_kind,
            host_region=host_region,
            letterhead=letterhead,
            organizer=organizer,
            officials=officials,
            venues=venues,
            guest_name=guest_name,
            guest_kind=guest_kind,
            guest_region=guest_region,
            leader=leader,
            contact=contact,
            members=members,
            size=size,
            language=language,
            letter_number=letter_number,
            letter_date=letter_date,
            kind=kind,
            topics=topics,
            title=title,
            timezone=zone,
            start=start,
            end=end,
            venue=main_venue,
            status=status,
            # In time order, so that re-importing a file whose items are listed in another order changes nothing.
            agenda=sorted(agenda, key=lambda item: (item.start, item.end)),
            points=points,
            follow_ups=follow_ups,
            received_date=received_date,
            photo_caption=photo_caption,
            news_byline=self.text(outcome, "news_byline", "outcome", required=False),
            warnings=self.warnings,
        )

    def venue(self, raw: Any, path: str, *, site: bool) -> VenueData:
        data = self.mapping(raw, path, {"name", "address", "capacity", "kind", "what", "description"})
        kind = (
            VenueKind.SITE
            if site
            else self.choice(data, "kind", path, VenueKind, default=VenueKind.MEETING_ROOM)
        )
        description = self.text(data, "what", path, required=False) or self.text(
            data, "description", path, required=False
        )
        return VenueData(
            name=self.text(data, "name", path),
            kind=kind,
            address=self.text(data, "address", path, required=False),
            capacity=self.positive_int(data, "capacity", path),
            description=description,
        )

    def agenda_item(self, raw: Any, path: str, first_day, last_day, tz) -> AgendaItemData | None:
        data = self.mapping(
            raw, path, {"date", "start", "end", "kind", "title", "venue", "site", "speaker", "guide"}
        )
        if data is None:
            return None
        day = self.date(data, "date", path, required=False) or first_day
        if day and first_day and last_day and not first_day <= day <= last_day:
            self.problem(
                f"{path}.date",
                _("%(day)s is not one of the visit's days (%(first)s to %(last)s)")
                % {"day": day, "first": first_day, "last": last_day},
            )
        start_time = self.time(data, "start", path)
        end_time = self.time(data, "end", path)
        kind = self.choice(data, "kind", path, AgendaKind, default=AgendaKind.OTHER)
        title = self.text(data, "title", path)
        if data.get("venue") and data.get("site"):
            self.problem(path, _("give either a venue or a site, not both"))
        start = end = None
        if start_time and end_time and end_time <= start_time:
            self.problem(
                f"{path}.end",
                _("%(end)s is not after the start %(start)s")
                % {"end": end_time.strftime("%H:%M"), "start": start_time.strftime("%H:%M")},
            )
        elif day and start_time and end_time and tz:
            start = self.local_moment(day, start_time, tz, f"{path}.start")
            end = self.local_moment(day, end_time, tz, f"{path}.end")
            if start and end and end <= start:
                # Only where a daylight-saving change falls between them; Indonesia has none.
                self.problem(f"{path}.end", _("is not after the start once the clocks change that day"))
                start = end = None
        # Returned even when its times are wrong, so its venue and people are checked too.
        return AgendaItemData(
            path=path,
            start=start,
            end=end,
            kind=kind,
            title=title,
            venue=self.text(data, "venue", path, required=False)
            or self.text(data, "site", path, required=False),
            speaker=self.text(data, "speaker", path, required=False),
            guide=self.text(data, "guide", path, required=False),
        )

    def local_moment(self, day: dt.date, at: dt.time, tz, path: str) -> dt.datetime | None:
        """``day`` at ``at`` in ``tz``, or None (and a problem) for a time that a clock change skips."""
        moment = dt.datetime.combine(day, at, tzinfo=tz)
        if moment.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != moment.replace(tzinfo=None):
            self.problem(
                path,
                _("%(time)s does not exist on %(day)s in this time zone (the clocks skip it)")
                % {"time": at.strftime("%H:%M"), "day": day},
            )
            return None
        return moment

    def window(self, visit, first_day, last_day, tz, agenda) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The visit's start and end: visit.start/visit.end when given, else the agenda's first item that is
        not an arrival and its last item's end."""
        if visit is None or not (first_day and last_day and tz):
            return None, None
        start_time = self.time(visit, "start", "visit", required=False)
        end_time = self.time(visit, "end", "visit", required=False)
        start = dt.datetime.combine(first_day, start_time, tzinfo=tz) if start_time else None
        end = dt.datetime.combine(last_day, end_time, tzinfo=tz) if end_time else None
        if start is None and agenda:
            # The visit starts with its programme; arrival and registration come before the opening.
            programme = [item for item in agenda if item.kind != AgendaKind.ARRIVAL] or agenda
            start = min(item.start for item in programme)
        if end is None and agenda:
            end = max(item.end for item in agenda)
        if start is None or end is None:
            if not self.problems:
                self.problem("visit", _("needs start and end times, or an agenda to take them from"))
            return None, None
        if end <= start:
            self.problem("visit.end", _("the visit must end after it starts"))
            return None, None
        return start, end

    def check_references(self, visit, agenda, officials, venues, leader, members, main_venue) -> None:
        venue_names = {v.name.casefold(): v for v in venues}
        official_names = {o.name.casefold() for o in officials}
        guest_names = {leader.name.casefold()} | {m.name.casefold() for m in members}
        if main_venue and main_venue.casefold() not in venue_names:
            self.problem(
                "visit.venue", _("“%(name)s” is not one of the host's venues") % {"name": main_venue}
            )
        for item in agenda:
            if item.venue and item.venue.casefold() not in venue_names:
                self.problem(
                    item.path,
                    _("venue or site “%(name)s” is not one of the host's venues or sites")
                    % {"name": item.venue},
                )
            if item.speaker and item.speaker.casefold() not in official_names | guest_names:
                self.problem(
                    f"{item.path}.speaker",
                    _("“%(name)s” is neither a host official nor in the delegation") % {"name": item.speaker},
                )
            if item.guide and item.guide.casefold() not in official_names:
                self.problem(
                    f"{item.path}.guide",
                    _("“%(name)s” is not one of the host's officials") % {"name": item.guide},
                )
            if item.speaker and item.guide:
                self.problem(item.path, _("give either a speaker or a guide, not both"))

    def follow_up(self, raw: Any, path: str) -> FollowUpData:
        if isinstance(raw, str):
            return FollowUpData(text=raw.strip())
        data = self.mapping(raw, path, {"text", "owner_unit", "due_date"})
        return FollowUpData(
            text=self.text(data, "text", path),
            owner_unit=self.text(data, "owner_unit", path, required=False),
            due_date=self.date(data, "due_date", path, required=False),
        )
