-- Each write of a case's state leaves a tag of its own (a random number the writer chose) on the row.
-- A group commit sends the states and the read-model rows of all its writes in one batch, one round
-- trip and one implicit transaction; the rows of a write apply only where its tag is on the state row,
-- that is, where its version-checked write took. Before, the writer learned which writes took from a
-- first round trip and sent their rows in a second, then committed in a third (docs/benchmarks.md,
-- session 12). Rows written before this script have no tag; nothing compares them.
ALTER TABLE case_states ADD COLUMN write_tag bigint;
