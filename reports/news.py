"""A news draft of a visit in the style of a regional government's news office (*berita* of a Prokopim or
Diskominfo website): headline, dateline, lead, body, site tour, photo caption and byline.

Template-based and deterministic: the same visit and arguments give the same draft, with no network and
no randomness. Pure: the builders read a visit from ``visits.selectors.visit_detail()`` (which prefetches
everything they touch, so building a draft runs no query) and write nothing.

The draft's own words are product text, not interface text: they are written here in Indonesian (and,
for foreign delegations, in English) instead of going through gettext. What staff entered (topics, key
points, venue descriptions, positions) is used as entered, in whatever language it was written.
"""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import dateformat, translation

from visits.enums import AgendaKind, OfficialRole, VisitKind
from visits.models import Institution, Visit
from visits.zones import long_date

LANGUAGES = ("id", "en")

# A quote given by the caller: (speaker's name, speaker's position, the words), e.g.
# ("Budi Santoso Contoh", "Sekretaris Daerah Kota Malang", "Kerja sama ini kami harapkan berlanjut.").
Quote = tuple[str, str, str]

# The visit kind as the headline writes it ("Pemkot Malang Terima Kunjungan Studi Komparasi …") and as
# the lead writes it ("… menerima kunjungan studi komparasi dari …").
HEADLINE_KIND_ID = {
    VisitKind.COMPARATIVE_STUDY: "Kunjungan Studi Komparasi",
    VisitKind.STUDY_VISIT: "Kunjungan Studi Banding",
    VisitKind.WORKING_VISIT: "Kunjungan Kerja",
    VisitKind.AUDIENCE: "Audiensi",
    VisitKind.COURTESY_CALL: "Kunjungan Kehormatan",
    VisitKind.OTHER: "Kunjungan",
}
HEADLINE_KIND_EN = {
    VisitKind.COMPARATIVE_STUDY: "comparative study visit",
    VisitKind.STUDY_VISIT: "study visit",
    VisitKind.WORKING_VISIT: "working visit",
    VisitKind.AUDIENCE: "audience visit",
    VisitKind.COURTESY_CALL: "courtesy call",
    VisitKind.OTHER: "visit",
}

# Short forms used by news offices; "Pemerintah Daerah Kabupaten X" is written the same as
# "Pemerintah Kabupaten X". Any other institution keeps its name.
GOVERNMENT_NAME = re.compile(r"^Pemerintah\s+(?:Daerah\s+)?(Kota|Kabupaten|Provinsi)\s+(.+)$", re.IGNORECASE)
SHORT_PREFIX_ID = {"kota": "Pemkot", "kabupaten": "Pemkab", "provinsi": "Pemprov"}
ENGLISH_SUFFIX = {
    "kota": "City Government",
    "kabupaten": "Regency Government",
    "provinsi": "Provincial Government",
}

# Verbs of attribution, taken in turn so that consecutive quotes do not all read "ucap".
QUOTE_VERBS_ID = ("ucap", "ujar", "tutur")

# Two key points share a paragraph only while together they stay this short (characters).
MAX_PARAGRAPH_CHARS = 320

# An Indonesian address names its district (kecamatan) just before the city or regency:
# "Jl. Tugu No. 1, Kiduldalem, Klojen, Kota Malang" → "Klojen"; an explicit "Kec. Klojen" wins.
DISTRICT_PREFIX = re.compile(r"^(?:Kec\.|Kecamatan)\s*(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class NewsDraft:
    """A news draft: each field is plain text (no markup); ``as_html()`` escapes it.

    ``paragraphs`` holds the body built from the key points, then the quotes; ``tour_paragraph`` is
    empty when the agenda has no site tour; ``byline`` is "(yul/yn)" or empty.
    """

    language: str
    headline: str
    dateline: str
    lead: str
    paragraphs: list[str] = field(default_factory=list)
    tour_paragraph: str = ""
    photo_caption: str = ""
    byline: str = ""

    @property
    def body(self) -> list[str]:
        """The paragraphs after the lead, the site tour last; the byline closes the last one."""
        return [*self.paragraphs, self.tour_paragraph] if self.tour_paragraph else list(self.paragraphs)

    @property
    def caption_label(self) -> str:
        return "Photo caption" if self.language == "en" else "Keterangan foto"

    def as_text(self) -> str:
        """The draft as plain text (UTF-8 ready), paragraphs separated by blank lines."""
        return render_to_string("reports/news_draft.txt", {"draft": self})

    def as_html(self) -> str:
        """The draft as a standalone HTML document; every field is autoescaped by the template."""
        return render_to_string("reports/news_draft.html", {"draft": self, "standalone": True})


def news_draft(
    *,
    visit: Visit,
    language: str = "id",
    dateline_place: str | None = None,
    outlet: str | None = None,
    quotes: Sequence[Quote] | None = None,
) -> NewsDraft:
    """The news draft of ``visit`` (from ``selectors.visit_detail()``) in ``language`` ("id" or "en").

    ``dateline_place`` defaults to the main venue's district (kecamatan) when its address names one,
    else the host region's name; ``outlet`` defaults to ``settings.SAMBANG_NEWS_OUTLET``, else the host's
    website, else its name. ``quotes`` are ``(name, position, words)`` triples written with attribution
    after the key points; when not given, the visit's recorded quotes (``Quote`` rows, in their order)
    are used, and ``[]`` writes none. Raises ``ValueError`` for another language.
    Pure and deterministic: reads the visit, writes nothing, runs no query on a visit from
    ``reports.selectors.outcome_visit_detail()`` (one, for the quotes, on one from ``visit_detail()``).
    """
    if language not in LANGUAGES:
        raise ValueError(f"news drafts are written in {', '.join(LANGUAGES)}, not {language!r}")
    outcome = getattr(visit, "outcome", None)
    return NewsDraft(
        language=language,
        headline=news_headline(visit=visit, language=language),
        dateline=news_dateline(visit=visit, place=dateline_place, outlet=outlet),
        lead=news_lead(visit=visit, language=language),
        paragraphs=[
            *key_point_paragraphs(point.text for point in visit.key_points.all()),
            *quote_paragraphs(stored_quotes(visit) if quotes is None else quotes, language=language),
        ],
        tour_paragraph=tour_paragraph(visit=visit, language=language),
        photo_caption=outcome.photo_caption.strip() if outcome else "",
        byline=news_byline(outcome.news_byline if outcome else ""),
    )


def stored_quotes(visit: Visit) -> list[Quote]:
    """The visit's recorded quotes as ``(name, position, words)`` triples, in their order."""
    return [(quote.speaker_name, quote.speaker_position, quote.words) for quote in visit.quotes.all()]


# Names


def short_name(institution: Institution) -> str:
    """The news office's short form: "Pemerintah Kota Malang" → "Pemkot Malang" (Pemkab, Pemprov too)."""
    match = GOVERNMENT_NAME.match(institution.name.strip())
    if not match:
        return institution.name.strip()
    return f"{SHORT_PREFIX_ID[match[1].lower()]} {match[2]}"


def english_name(institution: Institution, *, article: bool = False) -> str:
    """ "Pemerintah Kabupaten Buleleng" → "Buleleng Regency Government" ("the …" with ``article``);
    any other institution keeps its own name, without an article."""
    match = GOVERNMENT_NAME.match(institution.name.strip())
    if not match:
        return institution.name.strip()
    name = f"{match[2]} {ENGLISH_SUFFIX[match[1].lower()]}"
    return f"the {name}" if article else name


# Headline, dateline, lead


def news_headline(*, visit: Visit, language: str = "id") -> str:
    """ "Pemkot Malang Terima Kunjungan Studi Komparasi Pemkab Buleleng", or in English
    "Malang City Government receives comparative study visit from Buleleng Regency Government"."""
    guest = visit.delegation.institution
    if language == "en":
        kind = HEADLINE_KIND_EN.get(visit.kind, "visit")
        return f"{english_name(visit.host)} receives {kind} from {english_name(guest)}"
    kind = HEADLINE_KIND_ID.get(visit.kind, "Kunjungan")
    return f"{short_name(visit.host)} Terima {kind} {short_name(guest)}"


def venue_district(address: str, region_name: str) -> str:
    """The district (kecamatan) an Indonesian address names, or "" when it names none recognisably.

    Either a part written "Kec. X"/"Kecamatan X", or the part just before the region's name when at least
    a street and a village (kelurahan) come before it: "Jl. Tugu No. 1, Kiduldalem, Klojen, Kota Malang".
    """
    parts = [part.strip() for part in address.split(",") if part.strip()]
    for part in parts:
        if match := DISTRICT_PREFIX.match(part):
            return match[1].strip()
    names = [part.casefold() for part in parts]
    if region_name.casefold() in names:
        index = names.index(region_name.casefold())
        if index >= 3:
            return parts[index - 1]
    return ""


def news_outlet(*, visit: Visit) -> str:
    """``settings.SAMBANG_NEWS_OUTLET``, else the host's website without its scheme, else the host's name."""
    configured = getattr(settings, "SAMBANG_NEWS_OUTLET", "").strip()
    if configured:
        return configured
    website = re.sub(r"^https?://", "", visit.host.website.strip(), flags=re.IGNORECASE).rstrip("/")
    return website or visit.host.name.strip()


def news_dateline(*, visit: Visit, place: str | None = None, outlet: str | None = None) -> str:
    """ "Klojen (malangkota.go.id) – ": the place and the outlet, then an en dash; the lead follows it."""
    region_name = visit.host.region.name
    if not place:
        address = visit.venue.address if visit.venue else ""
        place = venue_district(address, region_name) or region_name
    return f"{place} ({outlet or news_outlet(visit=visit)}) – "


def news_day(day: dt.date, language: str = "id") -> str:
    """One day as the news writes it: "Jumat (25/4/2025)", or "Friday, 25 April 2025" in English.

    The weekday is computed from the date with Django's locale names, never taken from elsewhere.
    """
    if language == "en":
        return long_date(day, "en")
    with translation.override("id"):
        weekday = dateformat.format(day, "l")
    return f"{weekday} ({day.day}/{day.month}/{day.year})"


def news_when(*, visit: Visit, language: str = "id") -> str:
    """The visit's day(s) read in the host's zone: "Jumat (25/4/2025)", "on Friday, 25 April 2025", or a
    range "Kamis (10/12/2026) hingga Jumat (11/12/2026)" for a visit over several days."""
    first = visit.start.astimezone(visit.tzinfo).date()
    last = visit.end.astimezone(visit.tzinfo).date()
    if language == "en":
        if first == last:
            return f"on {news_day(first, 'en')}"
        return f"from {news_day(first, 'en')} to {news_day(last, 'en')}"
    if first == last:
        return news_day(first)
    return f"{news_day(first)} hingga {news_day(last)}"


def news_lead(*, visit: Visit, language: str = "id") -> str:
    """Who received whom, where and when; then what the delegation came for (the topics), who led it and
    who received it. Names close their sentences so that a position with commas in it stays readable.
    The receiving officials are the visit's officials of role "receiving official", by precedence."""
    delegation = visit.delegation
    leader = person(delegation.leader_name, delegation.leader_position, language=language)
    receivers = [
        person(part.official.name, part.official.position, language=language)
        for part in visit.visit_officials.all()
        if part.role == OfficialRole.RECEIVING_OFFICIAL
    ]
    topics = [lower_first(topic) for topic in visit.topics or [] if str(topic).strip()]
    venue = visit.venue.name.strip() if visit.venue else ""
    if language == "en":
        kind = HEADLINE_KIND_EN.get(visit.kind, "visit")
        article = "an" if kind[0] in "aeiou" else "a"
        sentences = [
            f"{sentence_start(english_name(visit.host, article=True))} received {article} {kind} from "
            f"{english_name(delegation.institution, article=True)}{f' at {venue}' if venue else ''} "
            f"{news_when(visit=visit, language='en')}."
        ]
        if topics:
            sentences.append(f"The delegation came to discuss {join(topics, 'en')}.")
        led = f"{'It' if topics else 'The delegation'} was led by {leader}"
        sentences.append(f"{led}, and received by {join(receivers, 'en')}." if receivers else f"{led}.")
        return " ".join(sentences)
    kind = HEADLINE_KIND_ID.get(visit.kind, "Kunjungan").lower()
    sentences = [
        f"{visit.host.name.strip()} menerima {kind} dari {delegation.institution.name.strip()}"
        f"{f' di {venue}' if venue else ''}, {news_when(visit=visit)}."
    ]
    if topics:
        sentences.append(f"Rombongan yang datang untuk membahas {join(topics, 'id')} itu dipimpin {leader}.")
    else:
        sentences.append(f"Rombongan itu dipimpin {leader}.")
    if receivers:
        sentences.append(f"Kedatangan rombongan disambut langsung oleh {join(receivers, 'id')}.")
    return " ".join(sentences)


# Body


def key_point_paragraphs(texts: Iterable[str]) -> list[str]:
    """The key points in order, one or two to a paragraph: two share one while together they stay within
    ``MAX_PARAGRAPH_CHARS``. Each keeps its words; a missing full stop is added."""
    paragraphs: list[str] = []
    pending: list[str] = []
    for text in texts:
        sentence = full_stop(text)
        if not sentence:
            continue
        if pending and len(pending[0]) + 1 + len(sentence) <= MAX_PARAGRAPH_CHARS:
            paragraphs.append(f"{pending[0]} {sentence}")
            pending = []
            continue
        if pending:
            paragraphs.append(pending[0])
        pending = [sentence]
    paragraphs.extend(pending)
    return paragraphs


def quote_paragraphs(quotes: Sequence[Quote], *, language: str = "id") -> list[str]:
    """Each quote as its own paragraph with attribution, as news offices write them:
    “Kerja sama ini kami harapkan berlanjut,” ucap Budi Santoso Contoh, Sekretaris Daerah Kota Malang.
    In English: “…,” said Budi Santoso Contoh, Sekretaris Daerah Kota Malang. Empty words are skipped."""
    paragraphs = []
    for name, position, words in quotes:
        words = str(words or "").strip().strip('"“”').strip()
        if not words:
            continue
        # The quote's own full stop becomes the comma before the attribution; ? and ! stay.
        words = words[:-1] if words.endswith(".") else words
        if not words.endswith(("?", "!")):
            words += ","
        speaker = ", ".join(part.strip() for part in (name or "", position or "") if part and part.strip())
        verb = "said" if language == "en" else QUOTE_VERBS_ID[len(paragraphs) % len(QUOTE_VERBS_ID)]
        paragraphs.append(f"“{words}” {verb} {speaker}." if speaker else f"“{words}”")
    return paragraphs


def tour_paragraph(*, visit: Visit, language: str = "id") -> str:
    """The site tour: each toured site (agenda items of kind site tour, in order, each site once) with its
    description, and who guided the delegation. Empty when the agenda has no site tour.

    An item at the visit's main venue names no site of its own (the importer gives items without a venue
    the main venue), so its title is written instead.
    """
    sentences: list[str] = []
    seen_sites: set[int] = set()
    last_guide = ""
    for item in visit.agenda_items.all():
        if item.kind != AgendaKind.SITE_TOUR:
            continue
        site = item.venue if item.venue_id and item.venue_id != visit.venue_id else None
        if site is not None:
            if site.pk in seen_sites:
                continue
            seen_sites.add(site.pk)
            sentences.append(
                site_sentence(site.name, site.description, first=not sentences, language=language)
            )
        else:
            title = item.title.strip()
            sentences.append(
                f"The programme also included a site tour: {full_stop(title)}"
                if language == "en"
                else f"Kegiatan juga diisi dengan {full_stop(lower_first(title))}"
            )
        guide = person(item.official.name, item.official.position, language=language) if item.official else ""
        if guide and guide != last_guide:
            sentences.append(
                f"The tour was guided by {guide}."
                if language == "en"
                else f"Peninjauan itu didampingi {guide}."
            )
            last_guide = guide
    return " ".join(sentences)


def site_sentence(name: str, description: str, *, first: bool, language: str = "id") -> str:
    """ "Di sela kunjungan, rombongan meninjau langsung <site>, <description>." A one-phrase description
    is set after the name; a description of several sentences follows as it was written."""
    name = name.strip()
    description = description.strip()
    if language == "en":
        opening = "During the visit, the delegation toured" if first else "The delegation also visited"
    else:
        opening = "Di sela kunjungan, rombongan meninjau langsung" if first else "Rombongan juga mengunjungi"
    if not description:
        return f"{opening} {name}."
    phrase = description.rstrip(".").strip()
    if re.search(r"[.!?]\s", phrase):
        return f"{opening} {name}. {full_stop(description)}"
    return f"{opening} {name}, {lower_first(phrase)}."


def news_byline(initials: str) -> str:
    """The reporter's and editor's initials as the news closes: "yul/yn" → "(yul/yn)"; "" stays ""."""
    initials = initials.strip().strip("()").strip()
    return f"({initials})" if initials else ""


# Small text helpers


def person(name: str, position: str, *, language: str = "id") -> str:
    """ "Wakil Bupati Buleleng, I Komang Contoh" (Indonesian puts the position first) or
    "I Komang Contoh, Wakil Bupati Buleleng" (English); either part may be missing."""
    parts = [position.strip(), name.strip()] if language != "en" else [name.strip(), position.strip()]
    return ", ".join(part for part in parts if part)


def join(items: Sequence[str], language: str = "id") -> str:
    """ "a dan b", "a, b, serta c" (Indonesian news, comma before the last item) or "a, b and c" (English)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {'and' if language == 'en' else 'dan'} {items[1]}"
    if language == "en":
        return f"{', '.join(items[:-1])} and {items[-1]}"
    return f"{', '.join(items[:-1])}, serta {items[-1]}"


def lower_first(text: str) -> str:
    """A sentence-case phrase set inside a sentence: "Publikasi kehumasan" → "publikasi kehumasan".

    Only a first word written like an ordinary capitalised word is lowered; "SPBE …" or "e-KTP …" stay.
    A phrase that starts with a proper name ("Malang …") is lowered too: the draft is for an editor.
    """
    text = str(text).strip()
    word = text.split(" ", 1)[0]
    if (
        len(word) > 1
        and word[0].isupper()
        and word[1:] == word[1:].lower()
        and any(c.isalpha() for c in word[1:])
    ):
        return text[0].lower() + text[1:]
    return text


def sentence_start(text: str) -> str:
    """``text`` with its first letter capitalised ("the Malang City Government" → "The …")."""
    return text[:1].upper() + text[1:]


def full_stop(text: str) -> str:
    """``text`` stripped, ending with a full stop unless it already ends a sentence (. ! ? or a closing
    quote or bracket after one)."""
    text = str(text).strip()
    if not text or re.search(r"[.!?…][\"”’)\]]*$", text):
        return text
    return f"{text}."
