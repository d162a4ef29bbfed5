-- Document assessments (POST /assess/documents): a job per request, run by pg-boss. The uploaded files
-- are kept until the job ends (a restart reads them again), then deleted. A job holds one unit of its
-- partner's quota from submission (counted in usage_counters.used for `period`) until it completes (the
-- unit is then the assessment's) or fails (the unit is given back, in the statement that records the
-- failure): a job ends once.
create table document_jobs (
  id text primary key,
  partner_id text not null references partners(id) on delete cascade,
  state text not null check (state in ('processing', 'completed', 'failed')),
  period text not null,
  is_test boolean not null,
  request jsonb not null,
  documents jsonb not null,
  estimated_seconds integer not null,
  assessment_id text,
  failures jsonb,
  warnings jsonb not null default '[]',
  created_at timestamptz not null,
  finished_at timestamptz,
  -- Touched every few seconds by the process running the job: a job whose heartbeat has stopped was left
  -- by a process that died, and is run again (services/documents.ts).
  heartbeat_at timestamptz
);
create index document_jobs_partner on document_jobs (partner_id, created_at desc);
create index document_jobs_processing on document_jobs (created_at) where state = 'processing';
-- A job's files, in pieces of at most 256 KB, each written and read in a statement of its own: on the
-- embedded database a statement runs on the event loop, and 20 MB in one statement held it for over
-- half a second. The pieces are written before the job (so no foreign key), and deleted after it ends;
-- pieces of no job (a process that died while writing them) are deleted at the next start.
create table document_job_files (
  job_id text not null,
  idx integer not null,
  part integer not null,
  content bytea not null,
  created_at timestamptz not null,
  primary key (job_id, idx, part)
);
