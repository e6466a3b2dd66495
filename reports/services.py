"""Everything that writes what came out of a visit: attendance, agenda notes, key points, quotes,
follow-ups, photos, documents and the report's signature block.

Recording opens once a visit has started and stays open after it (notes are often typed up later); a
visit that has not started or was cancelled refuses every write with ``NotRecordable``. Every other
refusal is a ``ServiceError`` whose text, in the user's language, says what to fix.
"""

import copy
import datetime as dt
import logging
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from config.audit import audit_created, audit_updated
from config.text import MULTILINE_CONTROLS, ONE_LINE_CONTROLS, normalize_line_breaks
from delegations.models import Member
from visits.enums import HOLDS_ROOMS, VisitStatus
from visits.models import AgendaItem, Visit
from visits.services.base import ServiceError

from .models import (
    AgendaNote,
    Attendance,
    AttendanceKind,
    Document,
    FollowUp,
    FollowUpStatus,
    KeyPoint,
    Outcome,
    Photo,
    Quote,
)
from .uploads import DOCUMENT_EXTENSIONS, DOCUMENT_MAX_BYTES, document_type, photo_clean, read_upload

logger = logging.getLogger(__name__)

# Limits of what is typed (characters) and of how many rows one form or call may carry.
NAME_MAX = 200
POSITION_MAX = 300
INSTITUTION_MAX = 200
UNIT_MAX = 200
CAPTION_MAX = 300
TITLE_MAX = 200
PLACE_MAX = 100
TEXT_MAX = 5000
MAX_ROWS = 200
# PP 11/2017 on civil servant management: a NIP has 18 digits (birth date, appointment month, sex, number).
NIP_DIGITS = 18


class NotRecordable(ServiceError):
    """The visit has not started yet or was cancelled: nothing can be recorded for it (the API says 409)."""


def recording_check(*, visit: Visit, now: dt.datetime | None = None) -> None:
    """Raise ``NotRecordable`` unless ``visit`` has started (its start ≤ ``now``, default: now) and is
    not cancelled."""
    if visit.status == VisitStatus.CANCELLED:
        raise NotRecordable(_("This visit was cancelled; its outcome cannot be recorded."))
    if visit.status not in HOLDS_ROOMS:
        # Requested, accepted, declined or handed over: it was never booked, so nothing happened to record.
        raise NotRecordable(
            _("This visit was never booked (it is “%(status)s”); its outcome cannot be recorded.")
            % {"status": visit.get_status_display()}
        )
    if visit.start > (now or timezone.now()):
        raise NotRecordable(
            _("This visit has not started yet; its outcome can be recorded once it has begun.")
        )


def _locked_visit(visit: Visit) -> Visit:
    """Lock the visit's row for the rest of the transaction: writes to one visit's outcome take turns, so
    "the next order number" is never handed out twice."""
    return Visit.objects.select_for_update().get(pk=visit.pk)


def _clean(
    value, *, limit: int, label: str, problems: list[str], required: bool = False, multiline: bool = False
) -> str:
    """``value`` as stripped text; a problem is added when it is missing (if ``required``), too long, or
    holds control characters (``config.text``): a one-line field (name, position, unit, caption…) refuses
    every one of them, line breaks and tab included; a ``multiline`` one (notes, follow-ups, quoted words)
    keeps tab and line breaks (CRLF becomes LF) and refuses the rest."""
    text = str(value or "").strip()
    if multiline:
        text = normalize_line_breaks(text)
    if MULTILINE_CONTROLS.search(text):
        problems.append(_("Remove the control characters from %(field)s.") % {"field": label})
    elif not multiline and ONE_LINE_CONTROLS.search(text):
        problems.append(_("Write %(field)s on one line, without line breaks or tabs.") % {"field": label})
    if required and not text:
        problems.append(_("Fill in %(field)s.") % {"field": label})
    if len(text) > limit:
        problems.append(
            _("Too long: %(field)s (at most %(limit)s characters).") % {"field": label, "limit": limit}
        )
    return text


def _raise_if(problems: list[str]) -> None:
    if problems:
        raise ServiceError(" ".join(problems))


# Attendance


def attendance_set(
    *,
    visit: Visit,
    leader_present: bool,
    present_member_ids: Iterable[int],
    walk_ins: Sequence[Mapping[str, str]] = (),
    by=None,
) -> list[Attendance]:
    """Record who of the delegation was there: replaces the visit's whole attendance.

    The leader and every member now on the delegation's list get a row, present or absent
    (``present_member_ids`` are ``Member`` ids); each walk-in (``{"name", "position", "institution"}``,
    someone who came without being listed) gets a present row. Rows without any text are skipped.
    Name, position and institution are copied into the rows. Returns the rows, leader first.

    Raises ``NotRecordable`` (see ``recording_check``); ``ServiceError`` when an id is not a member of
    this visit's delegation, or a walk-in has no name or too long a text. Nothing is saved then.
    """
    recording_check(visit=visit)
    present = {int(pk) for pk in present_member_ids}
    problems: list[str] = []
    cleaned = []
    for index, row in enumerate(walk_ins[:MAX_ROWS], start=1):
        row_problems: list[str] = []
        name = _clean(row.get("name"), limit=NAME_MAX, label=_("the name"), problems=row_problems)
        position = _clean(
            row.get("position"), limit=POSITION_MAX, label=_("the position"), problems=row_problems
        )
        institution = _clean(
            row.get("institution"), limit=INSTITUTION_MAX, label=_("the institution"), problems=row_problems
        )
        if not name and (position or institution):
            row_problems.append(_("Fill in %(field)s.") % {"field": _("the name")})
        problems += [_("Walk-in %(row)s: %(problem)s") % {"row": index, "problem": p} for p in row_problems]
        if name:
            cleaned.append((name, position, institution))
    with transaction.atomic():
        visit = _locked_visit(visit)
        delegation = visit.delegation
        members = list(Member.objects.filter(delegation=delegation).order_by("order", "pk"))
        unknown = present - {m.pk for m in members}
        if unknown:
            problems.append(_("Someone ticked as present is not on this delegation's member list."))
        _raise_if(problems)
        Attendance.objects.filter(visit=visit).delete()
        rows = [
            Attendance(
                visit=visit,
                kind=AttendanceKind.LEADER,
                name=delegation.leader_name,
                position=delegation.leader_position,
                present=bool(leader_present),
            ),
            *(
                Attendance(
                    visit=visit,
                    kind=AttendanceKind.MEMBER,
                    member=m,
                    name=m.name,
                    position=m.position,
                    present=m.pk in present,
                )
                for m in members
            ),
            *(
                Attendance(
                    visit=visit,
                    kind=AttendanceKind.WALK_IN,
                    name=name,
                    position=position,
                    institution=institution,
                    present=True,
                )
                for name, position, institution in cleaned
            ),
        ]
        rows = Attendance.objects.bulk_create(rows)
        audit_created(rows)
    logger.info("visit %s: attendance of %d people recorded by %s", visit.pk, len(rows), by)
    return rows


def attendance_record(
    *,
    visit: Visit,
    kind: str,
    member: Member | None = None,
    name: str = "",
    position: str = "",
    institution: str = "",
    present: bool = True,
    by=None,
) -> tuple[Attendance, bool]:
    """Record one person's attendance; returns the row and whether it was created.

    ``kind`` "leader" (the delegation's leader; name and position are taken from the delegation) and
    "member" (``member`` of this visit's delegation) update the person's row if there is one; "walk-in"
    adds a row with ``name`` (required), ``position`` and ``institution``.

    Raises ``NotRecordable``; ``ServiceError`` for a member of another delegation, a walk-in without a
    name, or too long a text.
    """
    recording_check(visit=visit)
    problems: list[str] = []
    with transaction.atomic():
        visit = _locked_visit(visit)
        delegation = visit.delegation
        if kind == AttendanceKind.LEADER:
            row, created = Attendance.objects.update_or_create(
                visit=visit,
                kind=AttendanceKind.LEADER,
                defaults={
                    "name": delegation.leader_name,
                    "position": delegation.leader_position,
                    "present": present,
                },
            )
        elif kind == AttendanceKind.MEMBER:
            if member is None or member.delegation_id != delegation.pk:
                raise ServiceError(_("That person is not on this delegation's member list."))
            row, created = Attendance.objects.update_or_create(
                visit=visit,
                member=member,
                defaults={
                    "kind": AttendanceKind.MEMBER,
                    "name": member.name,
                    "position": member.position,
                    "present": present,
                },
            )
        elif kind == AttendanceKind.WALK_IN:
            name = _clean(name, limit=NAME_MAX, label=_("the name"), problems=problems, required=True)
            position = _clean(position, limit=POSITION_MAX, label=_("the position"), problems=problems)
            institution = _clean(
                institution, limit=INSTITUTION_MAX, label=_("the institution"), problems=problems
            )
            _raise_if(problems)
            row = Attendance.objects.create(
                visit=visit,
                kind=AttendanceKind.WALK_IN,
                name=name,
                position=position,
                institution=institution,
                present=present,
            )
            created = True
        else:
            raise ServiceError(_("Say whether this is the leader, a member or a walk-in."))
    logger.info("visit %s: attendance of %s recorded by %s", visit.pk, row.name, by)
    return row, created


def attendance_delete(*, attendance: Attendance, by=None) -> None:
    """Remove one attendance row. Raises ``NotRecordable`` when its visit no longer takes records."""
    recording_check(visit=attendance.visit)
    attendance.delete()
    logger.info("visit %s: attendance row removed by %s", attendance.visit_id, by)


# Agenda notes and key points


def agenda_notes_set(*, visit: Visit, notes: Mapping[int, str], by=None) -> list[AgendaNote]:
    """Save the notes of ``visit``'s agenda items: ``notes`` maps ``AgendaItem`` ids to text; an empty
    text removes that item's note; items not named keep theirs. Returns the notes that exist afterwards.

    Raises ``NotRecordable``; ``ServiceError`` for an item of another visit or a note over
    ``TEXT_MAX`` characters.
    """
    recording_check(visit=visit)
    problems: list[str] = []
    with transaction.atomic():
        visit = _locked_visit(visit)
        items = {item.pk: item for item in AgendaItem.objects.filter(visit=visit)}
        if set(notes) - set(items):
            problems.append(_("A note was given for an agenda item of another visit."))
        cleaned = {
            pk: _clean(
                text,
                limit=TEXT_MAX,
                label=_("the note on “%(item)s”") % {"item": items[pk].title},
                problems=problems,
                multiline=True,
            )
            for pk, text in notes.items()
            if pk in items
        }
        _raise_if(problems)
        for pk, text in cleaned.items():
            if text:
                AgendaNote.objects.update_or_create(agenda_item_id=pk, defaults={"text": text})
            else:
                AgendaNote.objects.filter(agenda_item_id=pk).delete()
        saved = list(AgendaNote.objects.filter(agenda_item__visit=visit))
    logger.info("visit %s: agenda notes saved by %s", visit.pk, by)
    return saved


def key_points_set(*, visit: Visit, texts: Sequence[str], by=None) -> list[KeyPoint]:
    """Replace ``visit``'s key points with ``texts``, in order; empty texts are skipped.

    Raises ``NotRecordable``; ``ServiceError`` for more than ``MAX_ROWS`` points or one over
    ``TEXT_MAX`` characters.
    """
    recording_check(visit=visit)
    problems: list[str] = []
    cleaned = [
        _clean(
            text,
            limit=TEXT_MAX,
            label=_("key point %(row)s") % {"row": index},
            problems=problems,
            multiline=True,
        )
        for index, text in enumerate(texts, start=1)
    ]
    cleaned = [text for text in cleaned if text]
    if len(cleaned) > MAX_ROWS:
        problems.append(_("At most %(count)s rows can be saved at once.") % {"count": MAX_ROWS})
    _raise_if(problems)
    with transaction.atomic():
        visit = _locked_visit(visit)
        KeyPoint.objects.filter(visit=visit).delete()
        points = KeyPoint.objects.bulk_create(
            KeyPoint(visit=visit, position=index, text=text) for index, text in enumerate(cleaned, start=1)
        )
        audit_created(points)
    logger.info("visit %s: %d key points saved by %s", visit.pk, len(points), by)
    return points


# Quotes


def _quote_fields(speaker_name, speaker_position, words, problems: list[str]) -> dict:
    return {
        "speaker_name": _clean(
            speaker_name, limit=NAME_MAX, label=_("the speaker's name"), problems=problems, required=True
        ),
        "speaker_position": _clean(
            speaker_position, limit=POSITION_MAX, label=_("the speaker's position"), problems=problems
        ),
        # Quotation marks typed around the words would be doubled by the report and the news draft.
        "words": _clean(
            words, limit=TEXT_MAX, label=_("the words"), problems=problems, required=True, multiline=True
        )
        .strip('"“”')
        .strip(),
    }


def quote_add(*, visit: Visit, speaker_name: str, speaker_position: str = "", words: str, by=None) -> Quote:
    """Add a quote at the end of ``visit``'s quotes. Every quote has a speaker: an unattributed quote
    cannot be printed in a report or a news article.

    Raises ``NotRecordable``; ``ServiceError`` when the speaker's name or the words are missing or too long.
    """
    recording_check(visit=visit)
    problems: list[str] = []
    fields = _quote_fields(speaker_name, speaker_position, words, problems)
    _raise_if(problems)
    with transaction.atomic():
        visit = _locked_visit(visit)
        last = Quote.objects.filter(visit=visit).aggregate(last=Max("order"))["last"] or 0
        quote = Quote.objects.create(visit=visit, order=last + 1, **fields)
    logger.info("visit %s: quote %s added by %s", visit.pk, quote.pk, by)
    return quote


def quote_update(
    *, quote: Quote, speaker_name: str, speaker_position: str = "", words: str, by=None
) -> Quote:
    """Change a quote's speaker and words. Raises as ``quote_add`` does."""
    recording_check(visit=quote.visit)
    problems: list[str] = []
    fields = _quote_fields(speaker_name, speaker_position, words, problems)
    _raise_if(problems)
    for name, value in fields.items():
        setattr(quote, name, value)
    quote.save(update_fields=[*fields, "updated_at"])
    logger.info("visit %s: quote %s changed by %s", quote.visit_id, quote.pk, by)
    return quote


def quote_delete(*, quote: Quote, by=None) -> None:
    """Remove a quote. Raises ``NotRecordable`` when its visit no longer takes records."""
    recording_check(visit=quote.visit)
    quote.delete()
    logger.info("visit %s: quote removed by %s", quote.visit_id, by)


def quotes_set(*, visit: Visit, rows: Sequence[Mapping[str, str]], by=None) -> list[Quote]:
    """Save ``visit``'s quotes from a table: each row ``{"id", "speaker_name", "speaker_position",
    "words"}`` in the order to keep; a row with an ``id`` changes that quote, one without adds a quote,
    an empty row is skipped, and quotes not in the table are removed. Returns the quotes in order.

    Raises ``NotRecordable``; ``ServiceError`` listing every row without a speaker or without words, or
    with an id of another visit. Nothing is saved then.
    """
    recording_check(visit=visit)
    problems: list[str] = []
    cleaned = []
    for index, row in enumerate(rows[:MAX_ROWS], start=1):
        if not any(str(row.get(key) or "").strip() for key in ("speaker_name", "speaker_position", "words")):
            continue
        row_problems: list[str] = []
        fields = _quote_fields(
            row.get("speaker_name"), row.get("speaker_position"), row.get("words"), row_problems
        )
        problems += [_("Quote %(row)s: %(problem)s") % {"row": index, "problem": p} for p in row_problems]
        cleaned.append((_row_id(row.get("id")), fields))
    with transaction.atomic():
        visit = _locked_visit(visit)
        existing = {q.pk: q for q in Quote.objects.filter(visit=visit)}
        if any(pk is not None and pk not in existing for pk, _fields in cleaned):
            problems.append(_("A quote in the table belongs to another visit or was removed meanwhile."))
        _raise_if(problems)
        kept = []
        for order, (pk, fields) in enumerate(cleaned, start=1):
            quote = existing.get(pk) if pk is not None else None
            if quote is None:
                quote = Quote.objects.create(visit=visit, order=order, **fields)
            else:
                for name, value in fields.items():
                    setattr(quote, name, value)
                quote.order = order
                quote.save()
            kept.append(quote)
        Quote.objects.filter(visit=visit).exclude(pk__in=[q.pk for q in kept]).delete()
    logger.info("visit %s: %d quotes saved by %s", visit.pk, len(kept), by)
    return kept


def _row_id(value) -> int | None:
    try:
        return int(value) if str(value or "").strip() else None
    except (TypeError, ValueError):
        return -1  # an id that matches nothing: reported as belonging to another visit


# Follow-ups


def _follow_up_fields(text, owner_unit, due_date, status, problems: list[str]) -> dict:
    if status not in FollowUpStatus.values:
        problems.append(_("Choose the status: open or completed."))
    if due_date is not None and not isinstance(due_date, dt.date):
        problems.append(_("The due date is not a date."))
    return {
        "text": _clean(
            text, limit=TEXT_MAX, label=_("the follow-up"), problems=problems, required=True, multiline=True
        ),
        "owner_unit": _clean(owner_unit, limit=UNIT_MAX, label=_("the owning unit"), problems=problems),
        "due_date": due_date,
        "status": status,
    }


def follow_up_add(
    *,
    visit: Visit,
    text: str,
    owner_unit: str = "",
    due_date: dt.date | None = None,
    status: str = FollowUpStatus.OPEN,
    by=None,
) -> FollowUp:
    """Add a follow-up at the end of ``visit``'s list: what (``text``), which unit owns it, by when (a
    date, or None) and whether it is ``"open"`` or ``"done"``.

    Raises ``NotRecordable``; ``ServiceError`` for a missing text, too long a text or an unknown status.
    """
    recording_check(visit=visit)
    problems: list[str] = []
    fields = _follow_up_fields(text, owner_unit, due_date, status, problems)
    _raise_if(problems)
    with transaction.atomic():
        visit = _locked_visit(visit)
        last = FollowUp.objects.filter(visit=visit).aggregate(last=Max("position"))["last"] or 0
        follow_up = FollowUp.objects.create(visit=visit, position=last + 1, **fields)
    logger.info("visit %s: follow-up %s added by %s", visit.pk, follow_up.pk, by)
    return follow_up


def follow_up_update(
    *,
    follow_up: FollowUp,
    text: str,
    owner_unit: str = "",
    due_date: dt.date | None = None,
    status: str = FollowUpStatus.OPEN,
    by=None,
) -> FollowUp:
    """Change a follow-up (for instance mark it done). Raises as ``follow_up_add`` does."""
    recording_check(visit=follow_up.visit)
    problems: list[str] = []
    fields = _follow_up_fields(text, owner_unit, due_date, status, problems)
    _raise_if(problems)
    for name, value in fields.items():
        setattr(follow_up, name, value)
    follow_up.save(update_fields=list(fields))
    logger.info("visit %s: follow-up %s changed by %s", follow_up.visit_id, follow_up.pk, by)
    return follow_up


def follow_up_delete(*, follow_up: FollowUp, by=None) -> None:
    """Remove a follow-up. Raises ``NotRecordable`` when its visit no longer takes records."""
    recording_check(visit=follow_up.visit)
    follow_up.delete()
    logger.info("visit %s: follow-up removed by %s", follow_up.visit_id, by)


def follow_ups_set(*, visit: Visit, rows: Sequence[Mapping], by=None) -> list[FollowUp]:
    """Save ``visit``'s follow-ups from a table, as ``quotes_set`` does quotes: each row ``{"id", "text",
    "owner_unit", "due_date" (a date or None), "status"}``; an empty row (no text, unit or date) is
    skipped and follow-ups not in the table are removed. Returns them in order.

    Raises ``NotRecordable``; ``ServiceError`` listing every row's problem. Nothing is saved then.
    """
    recording_check(visit=visit)
    problems: list[str] = []
    cleaned = []
    for index, row in enumerate(rows[:MAX_ROWS], start=1):
        if not any(str(row.get(key) or "").strip() for key in ("text", "owner_unit", "due_date")):
            continue
        row_problems: list[str] = []
        fields = _follow_up_fields(
            row.get("text"), row.get("owner_unit"), row.get("due_date"), row.get("status"), row_problems
        )
        problems += [_("Follow-up %(row)s: %(problem)s") % {"row": index, "problem": p} for p in row_problems]
        cleaned.append((_row_id(row.get("id")), fields))
    with transaction.atomic():
        visit = _locked_visit(visit)
        existing = {f.pk: f for f in FollowUp.objects.filter(visit=visit)}
        if any(pk is not None and pk not in existing for pk, _fields in cleaned):
            problems.append(_("A follow-up in the table belongs to another visit or was removed meanwhile."))
        _raise_if(problems)
        kept_ids = {pk for pk, _fields in cleaned if pk is not None}
        FollowUp.objects.filter(visit=visit).exclude(pk__in=kept_ids).delete()
        # The audit log records each kept row's change from what it was, not from its parking place.
        before = {pk: copy.copy(existing[pk]) for pk in kept_ids}
        kept = []
        with disable_auditlog():
            # Positions are unique per visit: park the kept rows out of the way before numbering them.
            parking = 30000
            for offset, pk in enumerate(sorted(kept_ids)):
                FollowUp.objects.filter(pk=pk).update(position=parking + offset)
            for position, (pk, fields) in enumerate(cleaned, start=1):
                if pk is None:
                    continue
                follow_up = existing[pk]
                for name, value in fields.items():
                    setattr(follow_up, name, value)
                follow_up.position = position
                follow_up.save()
        audit_updated([existing[pk] for pk in sorted(kept_ids)], before)
        for position, (pk, fields) in enumerate(cleaned, start=1):
            if pk is None:
                follow_up = FollowUp.objects.create(visit=visit, position=position, **fields)
            else:
                follow_up = existing[pk]
            kept.append(follow_up)
    logger.info("visit %s: %d follow-ups saved by %s", visit.pk, len(kept), by)
    return kept


# Photos and documents


def _stored_name(extension: str) -> str:
    """A new random file name: the uploader's file name never reaches the disk."""
    return f"{uuid.uuid4().hex}.{extension}"


def _delete_files_on_commit(*files) -> None:
    """Delete stored files once the transaction that removed their row commits (never on a rollback)."""
    names = [(f.storage, f.name) for f in files if f and f.name]

    def delete():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def photo_add(*, visit: Visit, upload, caption: str = "", by=None) -> Photo:
    """Add a photo of ``visit`` from ``upload`` (a Django ``UploadedFile`` or ``File``) with ``caption``.

    The file must be a JPEG, PNG or WebP image by its content (the name is ignored) of at most
    ``settings.SAMBANG_PHOTO_MAX_BYTES`` bytes (15 MiB by default). It is stored upright, scaled to
    at most 3000 pixels on its long side and without any metadata (EXIF with its GPS position, XMP),
    with a 480-pixel thumbnail, both under ``MEDIA_ROOT/photos/`` with random names
    (see ``uploads.photo_clean``). Returns the photo, last in the visit's order.

    Raises ``NotRecordable``; ``ServiceError`` for an empty, too large or unreadable file, another
    format, too many pixels (a decompression bomb), or too long a caption. Side effect: two files are
    written; they are removed again if the row cannot be saved.
    """
    recording_check(visit=visit)
    problems: list[str] = []
    caption = _clean(caption, limit=CAPTION_MAX, label=_("the caption"), problems=problems)
    _raise_if(problems)
    data = read_upload(upload, limit=settings.SAMBANG_PHOTO_MAX_BYTES)
    clean = photo_clean(data)
    photo = Photo(visit=visit, caption=caption, size_bytes=len(data))
    name = _stored_name(clean.extension)
    photo.image.save(name, ContentFile(clean.image), save=False)
    photo.thumbnail.save(name, ContentFile(clean.thumbnail), save=False)
    try:
        with transaction.atomic():
            visit = _locked_visit(visit)
            last = Photo.objects.filter(visit=visit).aggregate(last=Max("order"))["last"] or 0
            photo.order = last + 1
            photo.width, photo.height = clean.width, clean.height
            photo.save()
    except Exception:
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
        raise
    logger.info("visit %s: photo %s added by %s (%d bytes uploaded)", visit.pk, photo.pk, by, len(data))
    return photo


def photo_update(*, photo: Photo, caption: str, by=None) -> Photo:
    """Change a photo's caption. Raises ``NotRecordable``; ``ServiceError`` for too long a caption."""
    recording_check(visit=photo.visit)
    problems: list[str] = []
    photo.caption = _clean(caption, limit=CAPTION_MAX, label=_("the caption"), problems=problems)
    _raise_if(problems)
    photo.save(update_fields=["caption", "updated_at"])
    logger.info("visit %s: caption of photo %s changed by %s", photo.visit_id, photo.pk, by)
    return photo


def photo_delete(*, photo: Photo, by=None) -> None:
    """Remove a photo and, once that is committed, its two files. Raises ``NotRecordable``."""
    recording_check(visit=photo.visit)
    with transaction.atomic():
        photo.delete()
        _delete_files_on_commit(photo.image, photo.thumbnail)
        # The reports' 1400 px copy (reports.pdf.pdf_photo), if one was made.
        name = photo.image.name
        copy = f"{name.rsplit('/', 1)[0]}/pdf/{name.rsplit('/', 1)[-1].rsplit('.', 1)[0]}.jpg"
        transaction.on_commit(lambda: photo.image.storage.delete(copy))
    logger.info("visit %s: photo removed by %s", photo.visit_id, by)


def document_add(*, visit: Visit, upload, title: str = "", by=None) -> Document:
    """Add a document of ``visit`` (slides, a paper) from ``upload`` with ``title`` (default: the
    uploaded file's name without its extension).

    Accepted by content, not by name, up to 20 MiB (``uploads.DOCUMENT_MAX_BYTES``): PDF (``%PDF-``),
    PowerPoint .pptx, Word .docx and Excel .xlsx (a ZIP package whose ``[Content_Types].xml`` names
    the matching main part, without macros) and PowerPoint 97–2003 .ppt (an OLE compound file with a
    "PowerPoint Document" stream). Stored under ``MEDIA_ROOT/documents/`` with a random name and the
    extension of its real type.

    Raises ``NotRecordable``; ``ServiceError`` for an empty, too large or other kind of file, or too
    long a title.
    """
    recording_check(visit=visit)
    problems: list[str] = []
    title = _clean(title, limit=TITLE_MAX, label=_("the title"), problems=problems)
    _raise_if(problems)
    data = read_upload(upload, limit=DOCUMENT_MAX_BYTES)
    kind = document_type(data)
    if not title:
        uploaded_name = re.split(r"[\\/]", str(getattr(upload, "name", "") or ""))[-1]
        title = uploaded_name.rsplit(".", 1)[0].strip()[:TITLE_MAX] or _("Document")
    document = Document(visit=visit, title=title, content_type=kind, size_bytes=len(data))
    document.file.save(_stored_name(DOCUMENT_EXTENSIONS[kind]), ContentFile(data), save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    logger.info("visit %s: document %s (%s) added by %s", visit.pk, document.pk, kind, by)
    return document


def document_delete(*, document: Document, by=None) -> None:
    """Remove a document and, once that is committed, its file. Raises ``NotRecordable``."""
    recording_check(visit=document.visit)
    with transaction.atomic():
        document.delete()
        _delete_files_on_commit(document.file)
    logger.info("visit %s: document removed by %s", document.visit_id, by)


# The report's signature block


def nip_digits(value: str) -> str:
    """A NIP as typed ("19780512 200501 1 002") reduced to its digits; "" stays ""."""
    return re.sub(r"[\s.\-]", "", str(value or ""))


def report_signature_set(
    *,
    visit: Visit,
    prepared_by_name: str = "",
    prepared_by_position: str = "",
    prepared_by_nip: str = "",
    approved_by_name: str = "",
    approved_by_position: str = "",
    approved_by_nip: str = "",
    signed_place: str = "",
    signed_date: dt.date | None = None,
    by=None,
) -> Outcome:
    """Save the report's signature block: who prepared it and who approved it (name, position, NIP)
    and the place and date of signing. Any part may stay empty; the report then leaves room to write
    it by hand. A NIP is 18 digits (spaces, dots and dashes as typed are dropped); someone without one
    (an elected official, a non-civil servant) leaves it empty.

    Raises ``NotRecordable``; ``ServiceError`` for a NIP that is not 18 digits or too long a text.
    """
    recording_check(visit=visit)
    problems: list[str] = []
    fields = {
        "prepared_by_name": _clean(
            prepared_by_name, limit=NAME_MAX, label=_("the preparer's name"), problems=problems
        ),
        "prepared_by_position": _clean(
            prepared_by_position, limit=POSITION_MAX, label=_("the preparer's position"), problems=problems
        ),
        "approved_by_name": _clean(
            approved_by_name, limit=NAME_MAX, label=_("the approver's name"), problems=problems
        ),
        "approved_by_position": _clean(
            approved_by_position, limit=POSITION_MAX, label=_("the approver's position"), problems=problems
        ),
        "signed_place": _clean(signed_place, limit=PLACE_MAX, label=_("the place"), problems=problems),
        "signed_date": signed_date,
    }
    for key, value, problem in (
        ("prepared_by_nip", prepared_by_nip, _("The preparer's NIP must have 18 digits.")),
        ("approved_by_nip", approved_by_nip, _("The approver's NIP must have 18 digits.")),
    ):
        digits = nip_digits(value)
        if digits and (len(digits) != NIP_DIGITS or not digits.isascii() or not digits.isdigit()):
            problems.append(problem)
        fields[key] = digits
    if signed_date is not None and not isinstance(signed_date, dt.date):
        problems.append(_("The date of signing is not a date."))
    _raise_if(problems)
    with transaction.atomic():
        outcome, _created = Outcome.objects.update_or_create(visit=visit, defaults=fields)
    logger.info("visit %s: signature block saved by %s", visit.pk, by)
    return outcome


# A report with more photos than this, or more table rows, renders in a Celery task with its progress
# shown; a smaller one (most reports: under a second, bench/report.py) renders within the request.
INLINE_MAX_PHOTOS = 2
INLINE_MAX_ROWS = 80


def _report_is_small(visit: Visit) -> bool:
    rows = visit.agenda_items.count() + visit.attendances.count() + visit.follow_ups.count()
    return visit.photos.count() <= INLINE_MAX_PHOTOS and rows <= INLINE_MAX_ROWS


def _render_is_stale(render) -> bool:
    """A queued or running render that has not moved for twice the time limit: its task was lost."""
    limit = dt.timedelta(seconds=2 * settings.SAMBANG_PDF_TIME_LIMIT + 60)
    return render.updated_at < timezone.now() - limit


def report_render_request(*, visit: Visit, by=None, language: str, retry: bool = False):
    """The stored report of ``visit`` in ``language`` when it is up to date, else a render of it started.

    Returns the ``ReportRender`` row: ``status == DONE`` with ``file`` when the stored PDF was made from the
    visit's current data (same ``fingerprint``); otherwise the row is set to QUEUED and rendered — right
    here for a small report (so the row comes back DONE or FAILED), by the ``reports.render_report`` task,
    queued on commit, for a large one (the caller shows its progress). A render already queued or running
    for the same data is not started twice (the row is locked while deciding); a FAILED render of the
    same data is started again only with ``retry``.

    Raises ``MissingGlyphs`` (before anything is written) when the report has a character no font has.
    """
    from .models import RenderStatus, ReportRender
    from .pdf import report_source
    from .selectors import outcome_visit_detail
    from .tasks import render_report

    # Read afresh: the caller's visit may carry prefetched rows from before a change.
    visit = outcome_visit_detail().get(pk=visit.pk)
    source = report_source(visit=visit, language=language)
    with transaction.atomic():
        render, _created = ReportRender.objects.get_or_create(
            visit=visit, kind="visit_report", language=language, defaults={"fingerprint": source.fingerprint}
        )
        render = ReportRender.objects.select_for_update().get(pk=render.pk)
        same = render.fingerprint == source.fingerprint
        if (
            same
            and render.status == RenderStatus.DONE
            and render.file
            and render.file.storage.exists(render.file.name)
        ):
            return render
        in_progress = render.status in (RenderStatus.QUEUED, RenderStatus.RUNNING)
        if same and in_progress and not _created and not _render_is_stale(render):
            return render
        if same and render.status == RenderStatus.FAILED and not retry:
            return render
        render.fingerprint = source.fingerprint
        render.status, render.progress, render.stage, render.error = RenderStatus.QUEUED, 0, "queued", ""
        render.requested_by = by if by is not None and by.is_authenticated else None
        render.started_at = render.finished_at = None
        render.save()
        small = _report_is_small(visit)
        if not small:
            limit = settings.SAMBANG_PDF_TIME_LIMIT
            transaction.on_commit(
                lambda: render_report.apply_async(
                    kwargs={"render_id": render.pk, "fingerprint": source.fingerprint},
                    soft_time_limit=limit + 5,
                    time_limit=limit + 30,
                )
            )
    logger.info("visit %s: report (%s) render %s queued by %s", visit.pk, language, render.pk, by)
    if small:
        report_render_run(render_id=render.pk, fingerprint=source.fingerprint)
        render.refresh_from_db()
    return render


def _render_progress(render_id: int):
    from .models import ReportRender

    def report(percent: int, stage: str) -> None:
        ReportRender.objects.filter(pk=render_id).update(
            progress=percent, stage=stage, updated_at=timezone.now()
        )

    return report


def report_render_fail(*, render_id: int, error: str) -> None:
    """Mark render ``render_id`` FAILED with ``error`` (shown to the user, who may try again)."""
    from .models import RenderStatus, ReportRender

    ReportRender.objects.filter(pk=render_id).update(
        status=RenderStatus.FAILED, error=error, finished_at=timezone.now(), updated_at=timezone.now()
    )


def report_render_run(*, render_id: int, fingerprint: str) -> bool:
    """Render the report of ``ReportRender`` ``render_id`` and store it under ``MEDIA_ROOT/reports/``.

    Runs only when the row is still QUEUED for ``fingerprint`` (a newer request or another worker may have
    taken it: then it returns False and does nothing). Marks the row RUNNING, advances ``progress`` by stage,
    and ends DONE with the file (the previous file is deleted on commit) or FAILED with the error in the
    row's language: a character no font has (``MissingGlyphs``), longer than ``SAMBANG_PDF_TIME_LIMIT``
    seconds (``RenderTimeLimit``), or anything else WeasyPrint raises. Returns True when it rendered.
    """
    from django.utils import translation

    from .models import RenderStatus, ReportRender
    from .pdf import MissingGlyphs, RenderTimeLimit, render_pdf, report_source
    from .selectors import outcome_visit_detail

    with transaction.atomic():
        render = ReportRender.objects.select_for_update().filter(pk=render_id).first()
        if render is None or render.status != RenderStatus.QUEUED or render.fingerprint != fingerprint:
            return False
        render.status, render.progress, render.stage = RenderStatus.RUNNING, 5, "preparing"
        render.started_at = timezone.now()
        render.save(update_fields=["status", "progress", "stage", "started_at", "updated_at"])
    limit = settings.SAMBANG_PDF_TIME_LIMIT
    with translation.override(render.language):
        try:
            visit = outcome_visit_detail().get(pk=render.visit_id)
            source = report_source(visit=visit, language=render.language)
            pdf = render_pdf(source, progress=_render_progress(render_id), time_limit=limit)
        except MissingGlyphs as exc:
            report_render_fail(render_id=render_id, error=exc.message())
            return False
        except RenderTimeLimit:
            message = _("Rendering the report took longer than %(seconds)s seconds and was stopped.")
            report_render_fail(render_id=render_id, error=message % {"seconds": f"{limit:g}"})
            return False
        except Exception as exc:
            logger.exception("report render %s failed", render_id)
            report_render_fail(
                render_id=render_id, error=_("Rendering the report failed: %(error)s") % {"error": exc}
            )
            return False
    with transaction.atomic():
        render = ReportRender.objects.select_for_update().get(pk=render_id)
        if render.status != RenderStatus.RUNNING:  # taken over meanwhile (a newer request)
            return False
        _delete_files_on_commit(render.file)
        render.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
        render.fingerprint = source.fingerprint
        render.status, render.progress, render.stage = RenderStatus.DONE, 100, "done"
        render.finished_at = timezone.now()
        render.save()
    logger.info("report render %s done: %d bytes", render_id, len(pdf))
    return True
