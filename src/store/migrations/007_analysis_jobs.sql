-- Third-party analyses (a `source` of POST /assess whose provider analyses the data itself and is polled
-- until done): the same job resource as document assessments (GET /jobs/{id}, one unit of quota reserved
-- at submission, kept on completion, given back on failure), with what polling needs.
alter table document_jobs add column kind text not null default 'documents' check (kind in ('documents', 'analysis'));
alter table document_jobs add column provider text;
-- The partner's `source` object and request fields, sealed (AES-256-GCM, lib/secrets.ts): it may hold an
-- account token or documents; dropped when the job ends.
alter table document_jobs add column input_sealed text;
-- The provider's ids for the analysis (its job, customer, analysis, report), once submitted.
alter table document_jobs add column analysis_ref jsonb;
-- The provider's own status word at the last poll, and how many polls have been scheduled: a poll job
-- carries its number, and only the one whose number is current may schedule the next (one chain).
alter table document_jobs add column provider_status text;
alter table document_jobs add column polls integer not null default 0;
alter table document_jobs add column deadline_at timestamptz;
alter table document_jobs add column next_poll_at timestamptz;

-- Files a provider produced for an assessment (the AffordAI PDF report), served as
-- GET /assessment/{id}/documents/{name}.
create table assessment_documents (
  assessment_id text not null references assessments (id) on delete cascade,
  name text not null,
  content_type text not null,
  sha256 text not null,
  content bytea not null,
  created_at timestamptz not null,
  primary key (assessment_id, name)
);

alter table provider_credentials drop constraint provider_credentials_provider_check;
alter table provider_credentials add constraint provider_credentials_provider_check
  check (provider in ('validifi', 'document_api', 'decisioning_api', 'legacy_provider'));
