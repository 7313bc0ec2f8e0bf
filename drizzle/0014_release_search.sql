-- Full-text search over releases (lib/search): a stored tsvector per release, kept by PostgreSQL itself
-- (a generated column: every writer, old code included, gets it right without knowing it exists), and a
-- GIN index for `@@`. Weights: A the tag (and its version prefixes), B the name, C the notes. The
-- column is deliberately not in lib/db/schema.ts: reads that select the whole row never carry it.
-- Expand only: a new function, column and index; nothing the previous code reads or writes changes.
--
-- release_tag_terms: words a tag is searched by besides itself, so `1.4`, `v1.4`, `1` or `ui` find
-- `v1.4.0` and `@acme/ui@1.4.0`: its words with a letter, and every dot-prefix of each version number
-- in it (with and without `v`). Prefixes stop at dots: `1.4` finds 1.4.0 and 1.4.2, never 1.40.
CREATE FUNCTION "release_tag_terms"("tag" text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT coalesce(string_agg(DISTINCT term, ' '), '')
  FROM (
    SELECT w AS term FROM regexp_split_to_table(lower(tag), '[^[:alnum:]]+') AS w WHERE w ~ '[[:alpha:]]'
    UNION ALL
    SELECT v || array_to_string((string_to_array(m[1], '.'))[1:n], '.')
    FROM regexp_matches(lower(tag), '(?:^|[^0-9a-z.])v?([0-9]+(?:\.[0-9]+)*)', 'g') AS m,
         generate_series(1, cardinality(string_to_array(m[1], '.'))) AS n,
         unnest(ARRAY['', 'v']) AS v
  ) t
$$;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english'::regconfig, "tag" || ' ' || "release_tag_terms"("tag")), 'A')
  || setweight(to_tsvector('english'::regconfig, coalesce("name", '')), 'B')
  || setweight(to_tsvector('english'::regconfig, "body"), 'C')
) STORED;--> statement-breakpoint
CREATE INDEX "releases_search" ON "releases" USING gin ("search_vector");
