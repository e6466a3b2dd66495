"""Everything that writes news drafts: start one from a visit, edit it, move it through its workflow.

The workflow (``ALLOWED_TRANSITIONS``)::

    draft ──▶ in_review ──▶ approved ──▶ published
      ▲           │             │
      └───────────┴─────────────┘   returned to draft (from in review: a comment is required)

Only a draft or a draft in review may be edited; approved and published text is read-only (an approved
draft is returned to draft to change it; a published one is final). Every creation, edit and change of
status is written with a ``NewsDraftEvent`` in the same transaction, under a lock on the draft's row.
Only the news office (``permissions.can_write_news``) may do any of it.
"""

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from config.text import MULTILINE_CONTROLS
from reports.news import news_draft
from reports.selectors import outcome_visit_detail
from reports.services import NotRecordable, recording_check
from visits.models import Visit
from visits.services.base import ServiceError

from .models import (
    BODY_MAX,
    CAPTION_MAX,
    DATELINE_MAX,
    HEADLINE_MAX,
    INITIALS_MAX,
    LEAD_MAX,
    TEXT_FIELDS,
    NewsDraft,
    NewsDraftEvent,
    NewsEventKind,
    NewsLanguage,
    NewsStatus,
)
from .permissions import can_write_news

S = NewsStatus
# (from, to) → whether a comment is required. A draft returned from review says what to change.
ALLOWED_TRANSITIONS: dict[tuple[str, str], bool] = {
    (S.DRAFT, S.IN_REVIEW): False,
    (S.IN_REVIEW, S.APPROVED): False,
    (S.IN_REVIEW, S.DRAFT): True,
    (S.APPROVED, S.PUBLISHED): False,
    (S.APPROVED, S.DRAFT): False,
}
EDITABLE_STATUSES = frozenset({S.DRAFT, S.IN_REVIEW})

# Each text field: its length limit and whether it may be empty.
FIELD_RULES: dict[str, tuple[int, bool]] = {
    "headline": (HEADLINE_MAX, True),
    "dateline": (DATELINE_MAX, False),
    "lead": (LEAD_MAX, True),
    "body": (BODY_MAX, False),
    "caption": (CAPTION_MAX, False),
    "reporter_initials": (INITIALS_MAX, False),
    "editor_initials": (INITIALS_MAX, False),
}
# One-line fields: a line break in a headline or dateline is a paste accident, refused with a message.
SINGLE_LINE = frozenset({"headline", "dateline", "caption", "reporter_initials", "editor_initials"})
# Characters that a .docx (XML 1.0) cannot hold and no editor types on purpose: C0 controls except tab and
# line breaks, and DEL. Refused in edits; removed from what the builder produces.
CONTROL_CHARACTERS = MULTILINE_CONTROLS  # config/text.py
COMMENT_MAX = 2_000


class NewsPermissionDenied(ServiceError):
    """The user may not change news drafts (pages answer 403)."""


class NewsDraftExists(ServiceError):
    """The visit already has a draft in that language; ``draft`` is it."""

    def __init__(self, message: str, draft: NewsDraft):
        super().__init__(message)
        self.draft = draft


class NewsDraftConflict(ServiceError):
    """The draft is not in a state that allows this (read-only, or a transition not allowed): API 409."""


class StaleNewsDraft(NewsDraftConflict):
    """Someone saved the draft after the version this edit started from; ``current`` is the saved draft."""

    def __init__(self, message: str, current: NewsDraft):
        super().__init__(message)
        self.current = current


def _require_writer(by) -> None:
    if not can_write_news(by):
        raise NewsPermissionDenied(_("Only the public-relations office may change news drafts."))


def _initials(byline: str) -> tuple[str, str]:
    """ "yul/yn" (``Outcome.news_byline``) → ("yul", "yn"); "(yul)" → ("yul", "")."""
    parts = [part.strip() for part in byline.strip().strip("()").split("/", 1)]
    return (parts[0][:INITIALS_MAX], parts[1][:INITIALS_MAX] if len(parts) > 1 else "")


def _event(*, draft: NewsDraft, kind: str, by, from_status: str, comment: str = "", changed=()) -> None:
    NewsDraftEvent.objects.create(
        draft=draft,
        kind=kind,
        by=by,
        from_status=from_status,
        to_status=draft.status,
        comment=comment,
        version=draft.version,
        changed=list(changed),
        snapshot=draft.text_snapshot(),
    )


def news_draft_create(*, visit: Visit, language: str, by) -> NewsDraft:
    """Start the news draft of ``visit`` in ``language`` ("id" or "en") from ``reports.news.news_draft()``.

    The fields are filled from the builder: headline, dateline (without its trailing space), lead, body
    (the key points, quotes and the site tour, paragraphs separated by a blank line), the photo caption,
    and the reporter's and editor's initials from the outcome's byline ("yul/yn"). The draft starts in
    ``draft`` at version 1, with a "created" event holding the text.

    Raises ``NewsPermissionDenied`` unless ``by`` is in the news office; ``ServiceError`` for another
    language, for a visit that has not happened yet, was never booked or was cancelled (the rule of
    ``reports.services.recording_check``), and for a visit with no key points or quotes recorded (there is
    nothing to report); ``NewsDraftExists`` (with ``.draft``) when the visit already has a draft in that
    language. Nothing is saved then.
    """
    _require_writer(by)
    if language not in NewsLanguage.values:
        raise ServiceError(_("News drafts are written in Indonesian or English."))
    try:
        recording_check(visit=visit)
    except NotRecordable as exc:
        raise ServiceError(_("No news draft yet: %(reason)s") % {"reason": str(exc)}) from exc
    existing = NewsDraft.objects.filter(visit_id=visit.pk, language=language).first()
    if existing is not None:
        raise NewsDraftExists(_("This visit already has a news draft in that language."), existing)
    full = outcome_visit_detail().get(pk=visit.pk)
    if not full.key_points.all() and not full.quotes.all():
        raise ServiceError(
            _(
                "No news draft yet: record the visit's key points or quotes first (Record the outcome); "
                "the article is written from them."
            )
        )
    built = news_draft(visit=full, language=language)
    reporter, editor = _initials(getattr(getattr(full, "outcome", None), "news_byline", "") or "")
    text = {
        "headline": built.headline,
        "dateline": built.dateline.strip(),
        "lead": built.lead,
        "body": "\n\n".join(built.body),
        "caption": built.photo_caption,
        "reporter_initials": reporter,
        "editor_initials": editor,
    }
    text = {name: CONTROL_CHARACTERS.sub("", value)[: FIELD_RULES[name][0]] for name, value in text.items()}
    try:
        with transaction.atomic():
            draft = NewsDraft.objects.create(
                visit=visit, language=language, created_by=by, updated_by=by, **text
            )
            _event(draft=draft, kind=NewsEventKind.CREATED, by=by, from_status="")
    except IntegrityError:
        # Someone started the same draft a moment ago (the unique constraint on visit and language).
        existing = NewsDraft.objects.get(visit_id=visit.pk, language=language)
        raise NewsDraftExists(_("This visit already has a news draft in that language."), existing) from None
    return draft


def _cleaned(data: Mapping[str, object]) -> dict[str, str]:
    """The text fields of ``data`` checked: known names, strings, within limits, no control characters.
    Line endings become "\\n"; leading and trailing white space is removed. Raises ``ServiceError`` listing
    every problem."""
    problems: list[str] = []
    unknown = sorted(set(data) - set(TEXT_FIELDS))
    if unknown:
        problems.append(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
    cleaned: dict[str, str] = {}
    labels = {name: NewsDraft._meta.get_field(name).verbose_name for name in TEXT_FIELDS}
    for name in TEXT_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if value is None:
            value = ""
        if not isinstance(value, str):
            problems.append(_("%(field)s must be text.") % {"field": labels[name]})
            continue
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        limit, required = FIELD_RULES[name]
        if required and not value:
            problems.append(_("Fill in the %(field)s.") % {"field": labels[name]})
        if len(value) > limit:
            problems.append(
                _("The %(field)s is too long: at most %(limit)s characters.")
                % {"field": labels[name], "limit": limit}
            )
        if CONTROL_CHARACTERS.search(value):
            problems.append(_("The %(field)s contains control characters.") % {"field": labels[name]})
        if name in SINGLE_LINE and "\n" in value:
            problems.append(_("The %(field)s must be a single line.") % {"field": labels[name]})
        cleaned[name] = value
    if problems:
        raise ServiceError(" ".join(str(problem) for problem in problems))
    return cleaned


def news_draft_update(*, draft: NewsDraft, data: Mapping[str, object], version: int, by) -> NewsDraft:
    """Save an edit of ``draft``'s text. ``data`` maps some of ``models.TEXT_FIELDS`` to new text (the
    others keep theirs); ``version`` is the version the editor started from.

    On a change, ``version`` goes up by one and an "edited" event records the fields changed and the new
    text; an edit that changes nothing saves nothing and returns the draft as it is.

    Raises ``NewsPermissionDenied`` unless ``by`` is in the news office; ``ServiceError`` for bad text
    (unknown field, empty headline or lead, too long, control characters, a line break in a one-line
    field); ``NewsDraftConflict`` when the draft is approved or published (read-only until returned to
    draft); ``StaleNewsDraft`` (with ``.current``, the saved draft) when someone saved it after
    ``version``: the caller still has the typed text and shows it beside the saved one. Nothing is saved
    on any refusal.
    """
    _require_writer(by)
    cleaned = _cleaned(data)
    with transaction.atomic():
        locked = NewsDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.version != version:
            raise StaleNewsDraft(
                _(
                    "Someone else saved this draft while you were editing it (now version %(current)s, "
                    "you started from version %(yours)s). Your text was not saved: it is kept in the "
                    "form; compare it with the saved text and save again."
                )
                % {"current": locked.version, "yours": version},
                locked,
            )
        if locked.status not in EDITABLE_STATUSES:
            raise NewsDraftConflict(
                _("This draft is “%(status)s” and cannot be edited; return it to draft first.")
                % {"status": locked.get_status_display()}
            )
        changed = [name for name in TEXT_FIELDS if name in cleaned and cleaned[name] != getattr(locked, name)]
        if not changed:
            return locked
        # Compare-and-set on the version as well as the row lock: on SQLite, where SELECT … FOR UPDATE
        # locks nothing, two editors who read the same version still cannot both write.
        now = timezone.now()
        updated = NewsDraft.objects.filter(pk=locked.pk, version=version).update(
            **{name: cleaned[name] for name in changed},
            version=F("version") + 1,
            updated_by=by,
            updated_at=now,
        )
        if updated != 1:
            current = NewsDraft.objects.get(pk=locked.pk)
            raise StaleNewsDraft(
                _("Someone else saved this draft while you were editing it. Your text was not saved."),
                current,
            )
        locked.refresh_from_db()
        _event(draft=locked, kind=NewsEventKind.EDITED, by=by, from_status=locked.status, changed=changed)
    return locked


def allowed_transitions(draft: NewsDraft) -> list[str]:
    """The statuses ``draft`` may move to from its current one, in the workflow's order."""
    return [to for (frm, to) in ALLOWED_TRANSITIONS if frm == draft.status]


def comment_required(*, from_status: str, to: str) -> bool:
    """Whether moving from ``from_status`` to ``to`` needs a comment (a draft returned from review)."""
    return ALLOWED_TRANSITIONS.get((from_status, to), False)


def news_draft_transition(*, draft: NewsDraft, to: str, by, comment: str = "") -> NewsDraft:
    """Move ``draft`` to status ``to`` (``ALLOWED_TRANSITIONS``), with an optional ``comment``.

    Returning a draft from review to draft needs a comment (what to change). Approving and publishing,
    like every other move, are for the news office (see ``permissions``). The version stays: only text
    edits count. A "status" event records who, when, from, to, the comment and the text at that moment.

    Raises ``NewsPermissionDenied`` unless ``by`` is in the news office; ``ServiceError`` for an unknown
    status, a missing or too long comment; ``NewsDraftConflict`` for a move the workflow does not allow
    from the draft's current status (read under the row's lock, so two clicks cannot both pass).
    Nothing is saved on a refusal.
    """
    _require_writer(by)
    if to not in S.values:
        raise ServiceError(_("Unknown status: %(status)s.") % {"status": to})
    comment = str(comment or "").replace("\r\n", "\n").strip()
    if len(comment) > COMMENT_MAX:
        raise ServiceError(
            _("The comment is too long: at most %(limit)s characters.") % {"limit": COMMENT_MAX}
        )
    with transaction.atomic():
        locked = NewsDraft.objects.select_for_update().get(pk=draft.pk)
        key = (locked.status, to)
        if key not in ALLOWED_TRANSITIONS:
            raise NewsDraftConflict(
                _("This draft is “%(current)s”; it cannot be moved to “%(to)s”.")
                % {"current": locked.get_status_display(), "to": S(to).label}
            )
        if ALLOWED_TRANSITIONS[key] and not comment:
            raise ServiceError(_("Say what should change: a draft returned from review needs a comment."))
        from_status = locked.status
        updated = NewsDraft.objects.filter(pk=locked.pk, status=from_status).update(
            status=to, updated_by=by, updated_at=timezone.now()
        )
        if updated != 1:  # two moves at once on SQLite, where the lock above locks nothing
            raise NewsDraftConflict(_("Someone else changed this draft's status; reload the page."))
        locked.refresh_from_db()
        _event(draft=locked, kind=NewsEventKind.STATUS, by=by, from_status=from_status, comment=comment)
    return locked
