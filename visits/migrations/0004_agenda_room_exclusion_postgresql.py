"""On PostgreSQL, the database itself refuses two live agenda items in one room at overlapping times.

An exclusion constraint over (venue, [start, end)) with btree_gist, ignoring items that hold no room (requests, declined and cancelled visits), so two
simultaneous bookings can never both win whatever the application does. SQLite has no such constraint;
there the scheduling service serializes check and write (IMMEDIATE transactions). The buffer between
bookings is a rule of the host and is checked by the service, not here. The constraint is checked at
commit (DEFERRABLE INITIALLY DEFERRED), so a transaction may reorder a visit's own items freely. Creating the btree_gist extension
needs a role allowed to (the database owner on PostgreSQL 13+ for trusted extensions, or a superuser).
"""

from django.db import migrations

CONSTRAINT = "agenda_item_room_not_double_booked"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("visits", "AgendaItem")._meta.db_table
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f'ALTER TABLE "{table}" ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist '
        f"(venue_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) "
        f"WHERE (venue_id IS NOT NULL AND holds_room) DEFERRABLE INITIALLY DEFERRED"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("visits", "AgendaItem")._meta.db_table
    schema_editor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS {CONSTRAINT}')


class Migration(migrations.Migration):
    dependencies = [("visits", "0003_host_scheduling_rules")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
