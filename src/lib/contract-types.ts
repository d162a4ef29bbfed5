/**
 * Compile-time binding between the code and the OpenAPI documents, through the types openapi-typescript
 * generates from them (src/contract/generated/, adapters/validifi/generated.ts): a field whose type,
 * optionality or presence differs between a zod schema and the spec is a compile error naming the field.
 *
 *   assertType<Binds<typeof TransactionSchema, components['schemas']['Transaction'], 'Transaction'>>();
 *
 * fails, when the schema's `amount` became a string (or the spec's a string), with
 *
 *   error TS2344: Type 'Drift<"Transaction.amount", string, number>' does not satisfy the constraint 'true'.
 *
 * (`Drift<where, the code's type, the spec's type>`; a key on one side only is `"present"`/`"absent"`, an
 * optionality drift `"optional"`/`"required"`.)
 *
 * Three relations:
 * - `Binds<Schema, Spec>` (requests): what the zod schema accepts is what the spec describes. Keys a
 *   client may leave out are the optional keys of the schema's input (`z.input`: a field with a default
 *   may be omitted though the parsed value always has it); value types are the schema's output
 *   (`z.output`: after trims, upper-casing, defaults). Both ways: every key on both sides, the same
 *   optionality, the same value types (a narrower or wider type on either side is a drift).
 * - `Sends<T, Spec>` (responses): a value of type T is what the spec describes — the same keys, every key
 *   the spec requires always present, and each value's type within the spec's (a closed set of
 *   categories within the spec's open map is fine; a string where the spec has a number is not).
 * - `Matches<T, Spec>`: a plain type (a model, a list of codes) is exactly the spec's, both ways.
 *
 * Objects, arrays, `null`-able values and unions discriminated by `type` (the `source` variants) are
 * compared field by field, enums member by member, other unions and primitives as whole types.
 * Formats, patterns, lengths and ranges are not types: the contract tests check those at run time.
 */
import type { z } from 'zod';

/** A problem found by the comparison: where, and the two types. */
export interface Drift<At extends string, Schema, Spec> {
  at: At;
  schema: Schema;
  spec: Spec;
}

type Mode = 'exact' | 'sends';

type IsAny<T> = 0 extends 1 & T ? true : false;
type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;
type Fits<A, B, M extends Mode> = [A] extends [B]
  ? M extends 'sends'
    ? true
    : [B] extends [A]
      ? true
      : false
  : false;
type IsPlainObject<T> = T extends readonly unknown[]
  ? false
  : T extends (...a: never[]) => unknown
    ? false
    : T extends Date
      ? false
      : T extends object
        ? true
        : false;
type HasIndex<T> = string extends keyof T ? true : false;
type OptionalKeys<T> = { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? K : never }[keyof T];
type Key<K> = K extends string ? K : K extends number ? `${K}` : never;
type Leaf<A, B, P extends string, M extends Mode> = Fits<A, B, M> extends true ? never : Drift<P, A, B>;

/** Every difference between A (the code's type) and B (the spec's), as a union of `Drift`s; never when none. */
export type Compare<A, B, P extends string, M extends Mode> =
  IsAny<A> extends true
    ? IsAny<B> extends true
      ? never
      : Drift<P, A, B>
    : IsAny<B> extends true
      ? Drift<P, A, B>
      : [A] extends [never]
        ? [B] extends [never]
          ? never
          : Drift<P, A, B>
        : unknown extends A
          ? unknown extends B
            ? never
            : Drift<P, A, B>
          : unknown extends B
            ? M extends 'sends'
              ? never
              : Drift<P, A, B>
            : [null] extends [A]
              ? [null] extends [B]
                ? Compare<Exclude<A, null>, Exclude<B, null>, P, M>
                : Drift<P, A, B>
              : [null] extends [B]
                ? M extends 'sends'
                  ? Compare<A, Exclude<B, null>, P, M>
                  : Drift<P, A, B>
                : true extends IsUnion<A> | IsUnion<B>
                  ? CompareUnion<A, B, P, M>
                  : [A, B] extends [readonly (infer EA)[], readonly (infer EB)[]]
                    ? Compare<EA, EB, `${P}[]`, M>
                    : [IsPlainObject<A>, IsPlainObject<B>] extends [true, true]
                      ? CompareObject<A, B, P, M>
                      : Leaf<A, B, P, M>;

/**
 * Unions of objects told apart by `type` are compared variant by variant; enums (unions of string
 * literals) by their members, a drift showing only the members on one side (`never` for none); other
 * unions as wholes.
 */
type CompareUnion<A, B, P extends string, M extends Mode> = [A, B] extends [
  { type: infer TA extends string },
  { type: infer TB extends string },
]
  ? [TA, TB] extends [string, string]
    ? Fits<TA, TB, M> extends true
      ? { [T in TA]: Compare<Extract<A, { type: T }>, Extract<B, { type: T }>, `${P}<${T}>`, M> }[TA]
      : Drift<`${P}.type`, TA, TB>
    : Leaf<A, B, P, M>
  : [IsEnum<A>, IsEnum<B>] extends [true, true]
    ? Fits<A, B, M> extends true
      ? never
      : Drift<P, Exclude<A, B>, Exclude<B, A>>
    : Leaf<A, B, P, M>;
type IsEnum<T> = [T] extends [string] ? (string extends T ? false : true) : false;

type CompareObject<A, B, P extends string, M extends Mode> =
  HasIndex<B> extends true
    ? HasIndex<A> extends true
      ? Compare<A[string & keyof A], B[string & keyof B], `${P}{}`, M>
      : M extends 'sends'
        ? {
            [K in keyof A]-?: Compare<Exclude<A[K], undefined>, B[string & keyof B], `${P}.${Key<K>}`, M>;
          }[keyof A]
        : Drift<P, A, B>
    : HasIndex<A> extends true
      ? Drift<P, A, B>
      : | { [K in Exclude<keyof A, keyof B>]-?: Drift<`${P}.${Key<K>}`, 'present', 'absent'> }[Exclude<
            keyof A,
            keyof B
          >]
        | { [K in Exclude<keyof B, keyof A>]-?: Drift<`${P}.${Key<K>}`, 'absent', 'present'> }[Exclude<
            keyof B,
            keyof A
          >]
        | { [K in keyof A & keyof B]-?: CompareField<A, B, K, `${P}.${Key<K>}`, M> }[keyof A & keyof B];

type Optionality<T, K extends keyof T> = K extends OptionalKeys<T> ? 'optional' : 'required';
type CompareField<A, B, K extends keyof A & keyof B, P extends string, M extends Mode> =
  Optionality<A, K> extends Optionality<B, K>
    ? Compare<Exclude<A[K], undefined>, Exclude<B[K], undefined>, P, M>
    : M extends 'sends'
      ? Optionality<B, K> extends 'optional'
        ? Compare<Exclude<A[K], undefined>, Exclude<B[K], undefined>, P, M>
        : Drift<P, 'optional', 'required'>
      : Drift<P, Optionality<A, K>, Optionality<B, K>>;

/**
 * What a client may send under a zod schema, as one type: the output's value types, with the keys that
 * the input lets the client leave out optional. An input the schema does not type (`z.coerce`, an
 * untyped preprocess) leaves the output as it is.
 */
export type Wire<I, O> = unknown extends I
  ? O
  : O extends readonly (infer E)[]
    ? Wire<Element<NonNullable<I>>, E>[]
    : IsPlainObject<O> extends true
      ? WireObject<Variant<NonNullable<I>, O>, O>
      : O;
type Element<I> = I extends readonly (infer E)[] ? E : unknown;
/** The input variant of an output variant (by `type`, for discriminated unions). */
type Variant<I, O> = O extends { type: infer T } ? Extract<I, { type: T }> : I;
type Field<I, K> = I extends unknown ? (K extends keyof I ? I[K] : unknown) : never;
type WireObject<I, O> =
  HasIndex<O> extends true
    ? O
    : Flat<
        {
          [K in keyof O as K extends OptionalKeys<I> ? never : K]-?: Wire<
            Field<I, K>,
            Exclude<O[K], undefined>
          >;
        } & {
          [K in keyof O as K extends OptionalKeys<I> ? K : never]?: Wire<
            Exclude<Field<I, K>, undefined>,
            Exclude<O[K], undefined>
          >;
        }
      >;
type Flat<T> = { [K in keyof T]: T[K] } & {};

type Verdict<D> = [D] extends [never] ? true : D;

/** `true` when the zod schema accepts what the spec's request type describes; otherwise the drifts. */
export type Binds<S extends z.ZodType, Spec, Name extends string = 'schema'> = Verdict<
  Compare<Wire<z.input<S>, z.output<S>>, Spec, Name, 'exact'>
>;

/** `true` when a plain type (a model the wire maps onto) is exactly the spec's type; otherwise the drifts. */
export type Matches<T, Spec, Name extends string = 'type'> = Verdict<Compare<T, Spec, Name, 'exact'>>;

/** `true` when a value of type T is what the spec's response type describes; otherwise the drifts. */
export type Sends<T, Spec, Name extends string = 'response'> = Verdict<Compare<T, Spec, Name, 'sends'>>;

/** Compiles only when its type argument is `true`: `assertType<Binds<…>>()`. test/types/ proves the drifts are caught. */
export function assertType<_T extends true>(): void {}
