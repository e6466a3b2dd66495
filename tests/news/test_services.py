"""news/services.py: starting a draft from a visit, editing with a version, and the workflow."""

import datetime as dt

import pytest
import time_machine

from news.models import NewsDraft, NewsDraftEvent, NewsEventKind, NewsStatus
from news.services import (
    NewsDraftConflict,
    NewsDraftExists,
    NewsPermissionDenied,
    StaleNewsDraft,
    news_draft_create,
    news_draft_transition,
    news_draft_update,
)
from reports.models import KeyPoint
from reports.services import quote_add
from tests.factories import full_visit
from visits.enums import VisitStatus
from visits.services.base import ServiceError

HEADLINE_ID = "Pemkot Malang Terima Kunjungan Studi Komparasi Pemkab Buleleng"
HEADLINE_EN = "Malang City Government receives comparative study visit from Buleleng Regency Government"
LEAD_START_ID = (
    "Pemerintah Kota Malang menerima kunjungan studi komparasi dari Pemerintah Kabupaten Buleleng di Ruang "
    "Sidang Balai Kota Malang, Jumat (25/4/2025)."
)
FIRST_PARAGRAPH = (
    "Sekretaris Daerah menguraikan kependudukan Kota Malang dan arah pembangunannya di bawah visi "
    '"Menuju Malang Mbois dan Berkelas". Visi itu dijalankan lewat program unggulan Dasa Bakti Wali Kota '
    "dan Wakil Wali Kota, yang disusun dari usulan warga."
)
TOUR_ID = (
    "Di sela kunjungan, rombongan meninjau langsung Ngalam Command Center (NCC), ruang kendali digital kota "
    "yang memantau ratusan kamera CCTV di titik-titik strategis. Peninjauan itu didampingi Kepala Dinas "
    "Komunikasi dan Informatika Kota Malang, Dewi Contoh."
)
CAPTION = "Wakil Bupati Buleleng dan rombongan berfoto bersama Sekretaris Daerah Kota Malang beserta jajaran"


def statuses(draft) -> list[tuple[str, str, str]]:
    return [
        (event.from_status, event.to_status, event.comment)
        for event in NewsDraftEvent.objects.filter(draft=draft, kind=NewsEventKind.STATUS).order_by("pk")
    ]


# Starting a draft


def test_create_fills_the_fields_from_the_report(visit, news_office):
    draft = news_draft_create(visit=visit, language="id", by=news_office)

    assert draft.headline == HEADLINE_ID
    assert draft.dateline == "Klojen (malangkota.example.org) –"
    assert draft.lead.startswith(LEAD_START_ID)
    assert draft.paragraphs[0] == FIRST_PARAGRAPH
    assert draft.paragraphs[-1] == TOUR_ID
    assert len(draft.paragraphs) == 6  # nine key points, paired within 320 characters, then the tour
    assert draft.caption == CAPTION
    assert (draft.reporter_initials, draft.editor_initials, draft.byline) == ("yul", "yn", "(yul/yn)")
    assert (draft.status, draft.version, draft.created_by, draft.updated_by) == (
        NewsStatus.DRAFT,
        1,
        news_office,
        news_office,
    )


def test_create_english_variant(visit, news_office):
    draft = news_draft_create(visit=visit, language="en", by=news_office)

    assert draft.headline == HEADLINE_EN
    assert draft.lead.endswith("received by Budi Santoso Contoh, Sekretaris Daerah Kota Malang.")
    assert draft.caption_label == "Photo caption"


def test_create_writes_the_recorded_quotes(visit, news_office):
    quote_add(
        visit=visit,
        speaker_name="Budi Santoso Contoh",
        speaker_position="Sekretaris Daerah Kota Malang",
        words="Kerja sama ini kami harapkan berlanjut.",
    )

    draft = news_draft_create(visit=visit, language="id", by=news_office)

    assert draft.paragraphs[-2] == (
        "“Kerja sama ini kami harapkan berlanjut,” ucap Budi Santoso Contoh, Sekretaris Daerah Kota Malang."
    )


def test_create_records_a_created_event_with_the_text(visit, news_office):
    draft = news_draft_create(visit=visit, language="id", by=news_office)

    event = NewsDraftEvent.objects.get(draft=draft)
    assert (event.kind, event.from_status, event.to_status, event.version, event.by) == (
        NewsEventKind.CREATED,
        "",
        NewsStatus.DRAFT,
        1,
        news_office,
    )
    assert event.snapshot["headline"] == HEADLINE_ID
    assert event.snapshot["body"] == draft.body


def test_create_refused_before_the_visit_happened(visit, news_office):
    before_the_visit = time_machine.travel(dt.datetime(2025, 4, 20, 9, 0, tzinfo=dt.UTC), tick=False)
    with before_the_visit, pytest.raises(ServiceError) as refused:
        news_draft_create(visit=visit, language="id", by=news_office)

    assert str(refused.value) == (
        "No news draft yet: This visit has not started yet; its outcome can be recorded once it has begun."
    )
    assert NewsDraft.objects.count() == 0


def test_create_refused_for_a_cancelled_visit(visit, news_office):
    visit.status = VisitStatus.CANCELLED
    visit.save(update_fields=["status"])

    with pytest.raises(ServiceError, match="was cancelled"):
        news_draft_create(visit=visit, language="id", by=news_office)
    assert NewsDraft.objects.count() == 0


def test_create_refused_without_key_points_or_quotes(db, make_user):
    visit = full_visit()  # scheduled on 6 May 2025, nothing recorded
    editor = make_user("humas-x", "public_relations", hosts=[visit.host])

    with pytest.raises(ServiceError) as refused:
        news_draft_create(visit=visit, language="id", by=editor)

    assert "record the visit's key points or quotes first" in str(refused.value)
    assert NewsDraft.objects.count() == 0


def test_create_twice_names_the_existing_draft(draft, visit, news_office):
    with pytest.raises(NewsDraftExists) as exists:
        news_draft_create(visit=visit, language="id", by=news_office)

    assert exists.value.draft == draft
    assert NewsDraft.objects.count() == 1


def test_create_unknown_language_refused(visit, news_office):
    with pytest.raises(ServiceError, match="Indonesian or English"):
        news_draft_create(visit=visit, language="fr", by=news_office)


@pytest.mark.parametrize("role", ["leadership", "protocol"])
def test_create_refused_for_other_roles(visit, make_user, role):
    with pytest.raises(NewsPermissionDenied):
        news_draft_create(visit=visit, language="id", by=make_user("someone", role))
    assert NewsDraft.objects.count() == 0


def test_create_without_byline_leaves_initials_empty(visit, news_office):
    visit.outcome.news_byline = ""
    visit.outcome.save(update_fields=["news_byline"])

    draft = news_draft_create(visit=visit, language="id", by=news_office)

    assert (draft.reporter_initials, draft.editor_initials, draft.byline) == ("", "", "")


# Editing


def test_update_saves_and_counts_the_version(draft, news_office):
    updated = news_draft_update(
        draft=draft,
        data={"headline": "  Buleleng Belajar Kota Cerdas di Malang  ", "editor_initials": "ab"},
        version=1,
        by=news_office,
    )

    stored = NewsDraft.objects.get(pk=draft.pk)
    assert (stored.headline, stored.editor_initials, stored.version) == (
        "Buleleng Belajar Kota Cerdas di Malang",
        "ab",
        2,
    )
    assert updated.version == 2
    event = NewsDraftEvent.objects.filter(draft=draft).latest("pk")
    assert (event.kind, event.version, event.changed, event.from_status, event.to_status) == (
        NewsEventKind.EDITED,
        2,
        ["headline", "editor_initials"],
        NewsStatus.DRAFT,
        NewsStatus.DRAFT,
    )
    assert event.snapshot["headline"] == "Buleleng Belajar Kota Cerdas di Malang"
    assert event.snapshot["lead"] == draft.lead


def test_update_stale_version_refused_and_nothing_lost(draft, news_office, second_editor):
    news_draft_update(draft=draft, data={"headline": "Judul Pertama"}, version=1, by=news_office)

    with pytest.raises(StaleNewsDraft) as stale:
        news_draft_update(draft=draft, data={"headline": "Judul Kedua"}, version=1, by=second_editor)

    assert str(stale.value) == (
        "Someone else saved this draft while you were editing it (now version 2, you started from version "
        "1). Your text was not saved: it is kept in the form; compare it with the saved text and save again."
    )
    assert stale.value.current.headline == "Judul Pertama"
    stored = NewsDraft.objects.get(pk=draft.pk)
    assert (stored.headline, stored.version) == ("Judul Pertama", 2)
    assert NewsDraftEvent.objects.filter(draft=draft, kind=NewsEventKind.EDITED).count() == 1


def test_update_without_change_saves_nothing(draft, news_office):
    same = news_draft_update(draft=draft, data={"headline": draft.headline}, version=1, by=news_office)

    assert same.version == 1
    assert NewsDraftEvent.objects.filter(draft=draft).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"headline": "   "}, "Fill in the headline."),
        ({"lead": ""}, "Fill in the lead."),
        ({"headline": "x" * 301}, "The headline is too long: at most 300 characters."),
        ({"headline": "Dua\nbaris"}, "The headline must be a single line."),
        ({"body": "bel\x07"}, "The body contains control characters."),
        ({"status": "published"}, "Unknown fields: status."),
        ({"headline": 5}, "headline must be text."),
    ],
)
def test_update_bad_text_refused(draft, news_office, data, message):
    with pytest.raises(ServiceError) as refused:
        news_draft_update(draft=draft, data=data, version=1, by=news_office)

    assert str(refused.value) == message
    assert NewsDraft.objects.get(pk=draft.pk).version == 1


def test_update_in_review_allowed(draft, news_office):
    news_draft_transition(draft=draft, to="in_review", by=news_office)

    updated = news_draft_update(draft=draft, data={"caption": "Foto bersama."}, version=1, by=news_office)

    assert (updated.caption, updated.status, updated.version) == ("Foto bersama.", "in_review", 2)


@pytest.mark.parametrize("path", [["in_review", "approved"], ["in_review", "approved", "published"]])
def test_update_read_only_after_approval(draft, news_office, path):
    for to in path:
        news_draft_transition(draft=draft, to=to, by=news_office)

    with pytest.raises(NewsDraftConflict) as refused:
        news_draft_update(draft=draft, data={"headline": "Diubah"}, version=1, by=news_office)

    assert "cannot be edited; return it to draft first" in str(refused.value)
    assert NewsDraft.objects.get(pk=draft.pk).headline == HEADLINE_ID


def test_update_after_return_to_draft(draft, news_office):
    for to in ["in_review", "approved", "draft"]:
        news_draft_transition(draft=draft, to=to, by=news_office)

    updated = news_draft_update(draft=draft, data={"headline": "Diubah"}, version=1, by=news_office)

    assert (updated.headline, updated.version, updated.status) == ("Diubah", 2, "draft")


def test_update_refused_for_leadership(draft, leader):
    with pytest.raises(NewsPermissionDenied):
        news_draft_update(draft=draft, data={"headline": "Diubah"}, version=1, by=leader)
    assert NewsDraft.objects.get(pk=draft.pk).headline == HEADLINE_ID


# The workflow


def test_transition_draft_review_approved_published(draft, news_office):
    for to in ["in_review", "approved", "published"]:
        draft = news_draft_transition(draft=draft, to=to, by=news_office)

    assert NewsDraft.objects.get(pk=draft.pk).status == NewsStatus.PUBLISHED
    assert statuses(draft) == [
        ("draft", "in_review", ""),
        ("in_review", "approved", ""),
        ("approved", "published", ""),
    ]


def test_transition_returned_from_review_with_comment(draft, news_office):
    news_draft_transition(draft=draft, to="in_review", by=news_office)

    returned = news_draft_transition(
        draft=draft, to="draft", by=news_office, comment="Nama jabatan Sekda dilengkapi."
    )

    assert returned.status == NewsStatus.DRAFT
    assert statuses(draft)[-1] == ("in_review", "draft", "Nama jabatan Sekda dilengkapi.")


def test_transition_returned_from_review_needs_a_comment(draft, news_office):
    news_draft_transition(draft=draft, to="in_review", by=news_office)

    with pytest.raises(ServiceError) as refused:
        news_draft_transition(draft=draft, to="draft", by=news_office, comment="   ")

    assert str(refused.value) == "Say what should change: a draft returned from review needs a comment."
    assert NewsDraft.objects.get(pk=draft.pk).status == NewsStatus.IN_REVIEW


def test_transition_approved_back_to_draft(draft, news_office):
    for to in ["in_review", "approved"]:
        news_draft_transition(draft=draft, to=to, by=news_office)

    returned = news_draft_transition(draft=draft, to="draft", by=news_office)

    assert returned.status == NewsStatus.DRAFT
    assert statuses(draft)[-1] == ("approved", "draft", "")


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ([], "approved"),
        ([], "published"),
        (["in_review"], "published"),
        (["in_review", "approved", "published"], "draft"),
        (["in_review"], "in_review"),
    ],
)
def test_transition_refused_outside_the_workflow(draft, news_office, path, to):
    for step in path:
        news_draft_transition(draft=draft, to=step, by=news_office)
    before = NewsDraftEvent.objects.count()

    with pytest.raises(NewsDraftConflict, match="cannot be moved to"):
        news_draft_transition(draft=draft, to=to, by=news_office)

    assert NewsDraft.objects.get(pk=draft.pk).status == (path[-1] if path else "draft")
    assert NewsDraftEvent.objects.count() == before


def test_transition_unknown_status_refused(draft, news_office):
    with pytest.raises(ServiceError, match="Unknown status: archived."):
        news_draft_transition(draft=draft, to="archived", by=news_office)


@pytest.mark.parametrize("role", ["leadership", "protocol"])
def test_transition_approve_refused_for_other_roles(draft, news_office, make_user, role):
    news_draft_transition(draft=draft, to="in_review", by=news_office)

    with pytest.raises(NewsPermissionDenied):
        news_draft_transition(draft=draft, to="approved", by=make_user("someone", role))

    assert NewsDraft.objects.get(pk=draft.pk).status == NewsStatus.IN_REVIEW


def test_transition_keeps_version_and_snapshots_the_text(draft, news_office):
    news_draft_update(draft=draft, data={"headline": "Judul Disetujui"}, version=1, by=news_office)
    news_draft_transition(draft=draft, to="in_review", by=news_office)

    approved = news_draft_transition(draft=draft, to="approved", by=news_office)

    event = NewsDraftEvent.objects.filter(draft=draft).latest("pk")
    assert (approved.version, event.version, event.snapshot["headline"]) == (2, 2, "Judul Disetujui")


def test_key_points_after_creation_do_not_change_the_draft(draft, visit):
    KeyPoint.objects.filter(visit=visit).delete()

    assert NewsDraft.objects.get(pk=draft.pk).paragraphs[0] == FIRST_PARAGRAPH
