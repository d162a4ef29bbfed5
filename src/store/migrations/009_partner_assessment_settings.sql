-- A partner's assessment settings (issue 16): the stresses a proposed credit is tested under, and spending
-- guidelines for the SFS flexible categories — stored as the admin API writes them (percentages, money in
-- major units; PUT /api/admin/partners/{id}/assessment-settings). Null: the engine's defaults, and no
-- guidelines. Independent of every other migration: it may be applied before or after 008.
alter table partners add column stress_parameters jsonb;
alter table partners add column spending_guidelines jsonb;
