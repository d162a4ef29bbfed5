/**
 * A partner's assessment settings (admin API `PUT /partners/{id}/assessment-settings`, CLI
 * `set-assessment-settings`): the stresses a proposed credit is tested under, and spending guidelines for
 * the SFS flexible categories (the engine's `guidelines` input). Stored as sent (percentages, money in
 * major units); turned into the engine's units for each assessment.
 */
import { z } from 'zod';
import { money } from '../../adapters/schema.ts';
import { DEFAULT_STRESS, stressFromWire, stressToWire, type StressParametersWire } from '../engine/credit.ts';
import { FLEXIBLE_CATEGORIES } from '../engine/kinds.ts';
import type { EngineSettings, SpendingGuidelines } from '../engine/types.ts';
import { toMinor } from '../model/money.ts';

/** The kinds of commitment a partner may treat as variable-rate (a mortgage, and credit). */
export const VARIABLE_RATE_KINDS = [
  'mortgage',
  'lender',
  'credit_card',
  'bnpl',
  'catalogue_credit',
  'payday',
  'high_cost_credit',
] as const;

const pct = (max: number) => z.number({ error: 'must be a number (a percentage)' }).finite().min(0).max(max);

/** Any field left out takes the default (GET shows the defaults). */
export const StressParametersSchema = z
  .object({
    income_fall_pct: pct(100).optional(),
    rate_rise_points: pct(50).optional(),
    essential_costs_rise_pct: pct(200).optional(),
    variable_rate_kinds: z
      .array(z.enum(VARIABLE_RATE_KINDS, { error: `must be one of ${VARIABLE_RATE_KINDS.join(', ')}` }))
      .max(VARIABLE_RATE_KINDS.length)
      .refine((k) => new Set(k).size === k.length, 'must not repeat a kind')
      .optional(),
    assumed_variable_rate_pct: pct(100).optional(),
    assumed_remaining_term_months: z.number().int().min(1).max(600).optional(),
    minimum_buffer: money(0, 1_000_000).optional(),
  })
  .strict();

/** Monthly amounts for the SFS flexible categories (kinds.ts FLEXIBLE_CATEGORIES). */
const categoryAmounts = z
  .object({
    'Communications & Leisure': money(0, 100_000).optional(),
    'Food & Housekeeping': money(0, 100_000).optional(),
    'Personal Costs': money(0, 100_000).optional(),
  } satisfies Record<(typeof FLEXIBLE_CATEGORIES)[number], unknown>)
  .strict();

export const SpendingGuidelinesSchema = z
  .object({
    source: z.string().trim().min(1).max(200),
    households: z
      .array(
        z
          .object({
            adults: z.number().int().min(1).max(10),
            children: z.number().int().min(0).max(20),
            categories: categoryAmounts,
          })
          .strict(),
      )
      .min(1)
      .max(200)
      .superRefine((hs, ctx) => {
        const seen = new Set<string>();
        hs.forEach((h, i) => {
          const k = `${h.adults}/${h.children}`;
          if (seen.has(k))
            ctx.addIssue({
              code: 'custom',
              path: [i],
              message: `repeats the household of ${h.adults} adult(s) and ${h.children} child(ren)`,
            });
          seen.add(k);
        });
      }),
  })
  .strict();

/** The PUT body: a field left out is kept; null goes back to the default (no guidelines). */
export const SetAssessmentSettingsSchema = z
  .object({
    stress: StressParametersSchema.nullable().optional(),
    spending_guidelines: SpendingGuidelinesSchema.nullable().optional(),
  })
  .strict();

export type StressInput = z.output<typeof StressParametersSchema>;
export type GuidelinesInput = z.output<typeof SpendingGuidelinesSchema>;

/** What is stored, read back (it was validated when written; anything else is treated as unset). */
function storedStress(v: unknown): StressInput | undefined {
  const r = StressParametersSchema.safeParse(v);
  return v !== null && r.success ? r.data : undefined;
}
function storedGuidelines(v: unknown): GuidelinesInput | undefined {
  const r = SpendingGuidelinesSchema.safeParse(v);
  return v !== null && r.success ? r.data : undefined;
}

/** The settings as the engine takes them: stress parameters over the defaults, guidelines in pence. */
export function engineSettingsOf(row: {
  stress_parameters: unknown;
  spending_guidelines: unknown;
}): EngineSettings {
  const out: EngineSettings = {};
  const stress = storedStress(row.stress_parameters);
  if (stress) out.stress = stressFromWire(stress);
  const g = storedGuidelines(row.spending_guidelines);
  if (g) out.guidelines = guidelinesOf(g);
  return out;
}

function guidelinesOf(g: GuidelinesInput): SpendingGuidelines {
  return {
    source: g.source,
    households: g.households.map((h) => {
      const categories: SpendingGuidelines['households'][number]['categories'] = {};
      for (const c of FLEXIBLE_CATEGORIES) {
        const v = h.categories[c];
        if (v !== undefined) categories[c] = toMinor(v);
      }
      return { adults: h.adults, children: h.children, categories };
    }),
  };
}

/** The admin API's view of a partner's settings: the stress parameters in effect, and where they come from. */
export interface AssessmentSettingsView {
  partner_id: string;
  stress: StressParametersWire;
  stress_source: 'default' | 'partner';
  spending_guidelines: GuidelinesInput | null;
  updated_at: string;
}

export function settingsView(row: {
  id: string;
  stress_parameters: unknown;
  spending_guidelines: unknown;
  updated_at: Date;
}): AssessmentSettingsView {
  const stress = storedStress(row.stress_parameters);
  return {
    partner_id: row.id,
    stress: stressToWire(stress ? stressFromWire(stress) : DEFAULT_STRESS),
    stress_source: stress ? 'partner' : 'default',
    spending_guidelines: storedGuidelines(row.spending_guidelines) ?? null,
    updated_at: row.updated_at.toISOString(),
  };
}
