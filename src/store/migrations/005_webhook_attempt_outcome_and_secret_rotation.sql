-- An attempt is recorded before its request is sent (outcome 'in_flight') and settled after, so a crash
-- mid-send leaves a visible row (marked 'interrupted' at the next start or the next attempt) instead of
-- no trace. duration_ms is unknown until the attempt settles.
alter table webhook_attempts add column outcome text;
update webhook_attempts set outcome = case when status_code between 200 and 299 then 'succeeded' else 'failed' end;
alter table webhook_attempts alter column outcome set not null;
alter table webhook_attempts add constraint webhook_attempts_outcome check (outcome in ('in_flight', 'succeeded', 'failed', 'interrupted'));
alter table webhook_attempts alter column duration_ms drop not null;
create index webhook_attempts_in_flight on webhook_attempts (started_at) where outcome = 'in_flight';

-- Webhook secret rotation: the previous secret keeps signing (beside the new one) until it expires.
alter table partners add column webhook_secret_prev_enc text;
alter table partners add column webhook_secret_prev_expires_at timestamptz;
