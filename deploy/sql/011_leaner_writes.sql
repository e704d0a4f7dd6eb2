-- The read model's digest is read back whole by the API and never queried inside: text, not jsonb,
-- so PostgreSQL stores it without parsing it on every write.
--
-- (Measured and not kept: reading the case's code and version from the front of the stored JSON in
-- the case_versions trigger instead of parsing the document. At this region's state sizes, ~1.6 KB,
-- the regular expressions cost more than the parse: 14,592 trigger runs took 576–631 ms against
-- 427–505 ms. See docs/benchmarks.md.)
ALTER TABLE cases ALTER COLUMN digest TYPE text USING digest::text;
