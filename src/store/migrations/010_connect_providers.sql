-- Connect providers (issue 15): Plaid is a fetching source (`plaid`: an Item's access token, read through
-- /transactions/sync) whose client id, secret and base URL a partner stores like the others' credentials.
alter table provider_credentials drop constraint provider_credentials_provider_check;
alter table provider_credentials add constraint provider_credentials_provider_check
  check (provider in ('validifi', 'plaid', 'document_api', 'decisioning_api', 'legacy_provider'));
