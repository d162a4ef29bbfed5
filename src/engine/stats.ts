/** Small numeric helpers shared by the engine stages. */
import { at } from '../lib/narrow.ts';

export function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? at(s, mid) : (at(s, mid - 1) + at(s, mid)) / 2;
}

/** Coefficient of variation (population standard deviation / mean); 0 for fewer than two values. */
export function cv(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = sum(values) / values.length;
  if (mean === 0) return 0;
  let v = 0;
  for (const x of values) v += (x - mean) ** 2;
  return Math.sqrt(v / values.length) / Math.abs(mean);
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
export const round1 = (x: number) => Math.round(x * 10) / 10;
export const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
