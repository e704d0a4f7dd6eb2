-- A case's history entries and monthly reports are written once, by the command that makes them, into
-- the audit log and the report table, not also as parts: each row now carries the whole entry or report
-- as stored (doc, the JSON case_parts held), so the case is loaded from them. The command's statement
-- also writes the case's ledger row (cases). What a report costs PostgreSQL: the state row, the ledger
-- row, an audit row and a report row, in one statement, where it was the state row and two parts in
-- it, then the same ledger, audit and report rows again in a batch of their own
-- (docs/benchmarks.md, session 10).
ALTER TABLE case_history ADD COLUMN doc text;
ALTER TABLE case_reports ADD COLUMN doc text;

-- The audit log refuses updates; this one only adds what the parts held.
ALTER TABLE case_history DISABLE TRIGGER case_history_no_change;
UPDATE case_history h SET doc = p.doc
  FROM case_parts p
 WHERE p.code = h.code AND p.part = 'h:' || lpad(h.version::text, 9, '0');
ALTER TABLE case_history ENABLE TRIGGER case_history_no_change;

UPDATE case_reports r SET doc = p.doc
  FROM case_parts p
 WHERE p.code = r.code AND p.part = 'r:' || r.month;

-- Parts now held by those rows go. A part whose row the read model did not have yet (a projection
-- that had not run) stays where it is and is still read; the next repair of that case writes its row.
DELETE FROM case_parts p
 USING case_history h
 WHERE p.part LIKE 'h:%' AND h.code = p.code AND p.part = 'h:' || lpad(h.version::text, 9, '0') AND h.doc IS NOT NULL;
DELETE FROM case_parts p
 USING case_reports r
 WHERE p.part LIKE 'r:%' AND r.code = p.code AND p.part = 'r:' || r.month AND r.doc IS NOT NULL;
