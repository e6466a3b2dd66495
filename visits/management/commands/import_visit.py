"""``manage.py import_visit FILE``: create or update a visit from a YAML or JSON visit file."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from visits.importer import VisitFileError, load_visit_file
from visits.services import ServiceError, visit_import


class Command(BaseCommand):
    help = (
        "Import a visit file (YAML or JSON, format in docs/visit-format.md) as an administrator: its status "
        "is taken as it is, and an existing visit is updated whatever its state. Saves nothing on error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the .yaml, .yml or .json visit file")
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, choices=[code for code, _name in settings.LANGUAGES]
        )

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            try:
                # by=None: an administrator at the console migrating records, so the file's status is
                # taken as it is and a decided visit is updated too (a user's registration may not).
                result = visit_import(data=load_visit_file(options["file"]), by=None)
            except VisitFileError as exc:
                lines = [_("%(file)s cannot be imported; nothing was saved:") % {"file": options["file"]}]
                lines += [f"  {path}: {message}" for path, message in exc.problems]
                raise CommandError("\n".join(lines)) from exc
            except ServiceError as exc:
                # The file is well formed but cannot be taken (its letter belongs to another host's visit).
                message = _("%(file)s cannot be imported; nothing was saved:") % {"file": options["file"]}
                raise CommandError(f"{message}\n  {exc}") from exc
            for warning in result.warnings:
                self.stderr.write(self.style.WARNING(_("warning: %(text)s") % {"text": warning}))
            visit = result.visit
            if result.created:
                verdict = _("created")
            elif result.changed:
                verdict = _("updated")
            else:
                verdict = _("unchanged")
            self.stdout.write(
                self.style.SUCCESS(
                    _("Visit %(id)s %(verdict)s: %(title)s (UID %(uid)s, SEQUENCE %(sequence)s)")
                    % {
                        "id": visit.pk,
                        "verdict": verdict,
                        "title": visit.title,
                        "uid": visit.uid,
                        "sequence": visit.sequence,
                    }
                )
            )
