"""Fuzzy matching without ``pg_trgm``: each vocabulary word's trigrams in an indexed array.

The embedded PostgreSQL has no contrib extensions, so the ``pg_trgm`` index of
migration 0002 existed on some servers only and "did you mean" behaved
differently on each. This migration gives every server the same thing:

* ``search_term_trigrams(word)``: the word's distinct character trigrams, padded
  as ``pg_trgm`` pads a word (two spaces before, one after); its Python twin is
  :func:`search.indexing.trigrams` (a test keeps the two equal);
* ``search_term.trigrams``: a stored generated column of it, so PostgreSQL fills
  it for the existing words when the column is added (the backfill) and for every
  word written later, whoever writes it;
* a GIN index on that array (the built-in ``array_ops``, no extension needed);
* the ``pg_trgm`` index goes (the extension stays: other code may use it).
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.expressions
from django.db import migrations, models

# IMMUTABLE so that it can compute a stored generated column. Words of the
# vocabulary are single words (letters and digits, lower case), so padding the
# whole word is pg_trgm's rule; no lower() or locale-dependent character classes,
# which behave differently under the embedded server's C locale.
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION search_term_trigrams(word text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT DISTINCT substr('  ' || word || ' ', i, 3) COLLATE "C"
        FROM generate_series(1, length(word) + 1) AS i
        WHERE word <> ''
        ORDER BY 1
    )
$$
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0003_backfill")]

    operations = [
        migrations.RunSQL(CREATE_FUNCTION, "DROP FUNCTION search_term_trigrams(text)"),
        migrations.AddField(
            model_name="term",
            name="trigrams",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.expressions.Func(
                    django.db.models.expressions.F("word"), function="search_term_trigrams"
                ),
                output_field=django.contrib.postgres.fields.ArrayField(
                    base_field=models.TextField(), size=None
                ),
                verbose_name="trigrams",
            ),
        ),
        migrations.AddIndex(
            model_name="term",
            index=django.contrib.postgres.indexes.GinIndex(fields=["trigrams"], name="search_term_trigrams_gin"),
        ),
        # Reversing leaves the old index out; `migrate search 0001 && migrate search` rebuilds it.
        migrations.RunSQL("DROP INDEX IF EXISTS search_term_word_trgm", migrations.RunSQL.noop),
    ]
