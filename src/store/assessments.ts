import type { Queryable } from './db.ts';
import { unpackEvidence } from './evidence.ts';
import { chargeUnitCte, period } from './usage.ts';

export interface AssessmentRow {
  id: string;
  partner_id: string;
  customer_ref: string;
  partner_ref: string | null;
  source: string;
  is_test: boolean;
  /** The response exactly as returned (serialised once, by the caller). */
  response: string;
  /** The engine's evidence as stored (src/store/evidence.ts: packed where the engine runs). */
  evidence: Uint8Array;
  created_at: Date;
}

/**
 * Stores an assessment and charges its partner one unit of the month's quota, in one statement: both or
 * neither. Returns the month's count after the charge, or undefined (nothing stored) when the quota is
 * used up.
 */
export async function insertChargedAssessment(q: Queryable, a: AssessmentRow): Promise<number | undefined> {
  const { rows } = await q.query<{ used: number }>(
    `with ${chargeUnitCte(2, 10)},
     stored as (
       insert into assessments (id, partner_id, customer_ref, partner_ref, source, is_test, response, evidence, created_at)
       select $1, $2, $3, $4, $5, $6, $7, $8, $9 from charge)
     select used from charge`,
    [...rowValues(a), period(a.created_at)],
  );
  return rows[0]?.used;
}

/** Stores an assessment whose unit was already charged (a document job's reservation: store/document-jobs.ts). */
export async function insertAssessment(q: Queryable, a: AssessmentRow): Promise<void> {
  await q.query(
    `insert into assessments (id, partner_id, customer_ref, partner_ref, source, is_test, response, evidence, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    rowValues(a),
  );
}

/** An assessment row's values in the order of the insert's columns ($1–$9). */
const rowValues = (a: AssessmentRow) => [
  a.id,
  a.partner_id,
  a.customer_ref,
  a.partner_ref,
  a.source,
  a.is_test,
  a.response,
  a.evidence,
  a.created_at,
];

/** The stored response text, scoped to the partner: another partner's id is simply not found. */
export async function getResponse(q: Queryable, partnerId: string, id: string): Promise<string | undefined> {
  const { rows } = await q.query<{ response: string }>(
    'select response::text as response from assessments where id = $1 and partner_id = $2',
    [id, partnerId],
  );
  return rows[0]?.response;
}

/** The evidence's stored bytes, scoped to the partner (unpacked where the engine runs: src/store/evidence.ts). */
export async function getStoredEvidence(
  q: Queryable,
  partnerId: string,
  id: string,
): Promise<Uint8Array | undefined> {
  const { rows } = await q.query<{ evidence: Uint8Array }>(
    'select evidence from assessments where id = $1 and partner_id = $2',
    [id, partnerId],
  );
  return rows[0]?.evidence;
}

/** The evidence record itself, unpacked on the calling thread (tools and tests; the route uses the workers). */
export async function getEvidence(q: Queryable, partnerId: string, id: string): Promise<unknown> {
  const stored = await getStoredEvidence(q, partnerId, id);
  return stored ? unpackEvidence(stored) : undefined;
}

export type AssessmentListItem = Omit<AssessmentRow, 'response' | 'evidence'> & {
  monthly_income: number;
  affordable_amount: number;
  fca_compliant: boolean;
};

/**
 * The figures are read from the stored response's text, not through PostgreSQL's JSON operators: a
 * response stored before strings were checked at the edge may hold a lone surrogate (`\ud800`), which
 * makes `->>` fail for the whole listing. The response is our own JSON.stringify output, so each
 * top-level field appears once, before any nested one, and a string value cannot hold `"name":`
 * unescaped.
 */
export async function listAssessments(
  q: Queryable,
  f: { partnerId?: string; isTest?: boolean; limit: number; before?: Date },
): Promise<AssessmentListItem[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  if (f.partnerId) {
    values.push(f.partnerId);
    where.push(`partner_id = $${values.length}`);
  }
  if (f.isTest !== undefined) {
    values.push(f.isTest);
    where.push(`is_test = $${values.length}`);
  }
  if (f.before) {
    values.push(f.before);
    where.push(`created_at < $${values.length}`);
  }
  values.push(f.limit);
  const { rows } = await q.query<AssessmentListItem>(
    `select id, partner_id, customer_ref, partner_ref, source, is_test, created_at,
            substring(response::text from '"monthly_income":(-?[0-9.eE+-]+)')::float8 as monthly_income,
            substring(response::text from '"affordable_amount":(-?[0-9.eE+-]+)')::float8 as affordable_amount,
            substring(response::text from '"fca_compliant":(true|false)')::boolean as fca_compliant
       from assessments ${where.length ? 'where ' + where.join(' and ') : ''}
      order by created_at desc, id desc limit $${values.length}`,
    values,
  );
  return rows;
}
