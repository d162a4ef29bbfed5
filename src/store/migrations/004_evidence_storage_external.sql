-- The evidence is gzip already: TOAST compression cannot shrink it, and trying to costs the embedded
-- database 0.06–0.1 ms of the event loop's time on every insert of a 412-transaction assessment. Stored
-- out of line as it is. Existing rows are untouched (the setting applies to new values).
alter table assessments alter column evidence set storage external;
