-- Full-text search over releases (lib/search): a stored tsvector per release and a GIN index for `@@`.
-- Weights: A the tag (and its version prefixes), B the name, C the notes (markdown), `english` config.
-- A trigger keeps it, on INSERT and on UPDATE OF tag, name, body only: every writer (the previous
-- code included) gets it right without knowing it exists, and the many updates that touch other
-- columns (derived values, hide/unhide, re-rendered HTML) never recompute it (a generated column
-- would, on every update). The column is deliberately not in lib/db/schema.ts: reads that select the
-- whole row never carry it. Expand only: new functions, column, trigger and index.
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
CREATE FUNCTION "release_search_vector"("tag" text, "name" text, "body" text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('english'::regconfig, tag || ' ' || release_tag_terms(tag)), 'A')
      || setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'B')
      || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')
$$;--> statement-breakpoint
CREATE FUNCTION "releases_search_vector_trigger"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := release_search_vector(NEW.tag, NEW.name, NEW.body);
  RETURN NEW;
END
$$;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "search_vector" tsvector;--> statement-breakpoint
CREATE TRIGGER "releases_search_vector" BEFORE INSERT OR UPDATE OF "tag", "name", "body" ON "releases"
FOR EACH ROW EXECUTE FUNCTION "releases_search_vector_trigger"();--> statement-breakpoint
-- The releases stored before (the trigger, created first, keeps any written meanwhile).
UPDATE "releases" SET "search_vector" = release_search_vector("tag", "name", "body") WHERE "search_vector" IS NULL;--> statement-breakpoint
CREATE INDEX "releases_search" ON "releases" USING gin ("search_vector");
