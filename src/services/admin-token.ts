/**
 * Admin bearer tokens: HS256 JWTs signed with ADMIN_JWT_SECRET, with the claims `role: "admin"`,
 * `iss: "veqtrx-gateway"`, `aud: "veqtrx-admin"` and `exp` (`sub`, optional, names who acts; `iat`,
 * optional, is checked when present), never living longer than ADMIN_TOKEN_MAX_TTL_S (24 h by default): a
 * token whose lifetime (`exp − iat`) or remaining life (`exp − now`, a minute of clock skew allowed) is
 * longer is refused, so a leaked token cannot be a permanent credential. A system other than the admin
 * CLI mints its tokens with exactly these claims (README, "The admin API and CLI").
 */
import { jwtVerify, SignJWT } from 'jose';

export const ADMIN_TOKEN_ISSUER = 'veqtrx-gateway';
export const ADMIN_TOKEN_AUDIENCE = 'veqtrx-admin';
const ISSUER = ADMIN_TOKEN_ISSUER;
const AUDIENCE = ADMIN_TOKEN_AUDIENCE;
export const DEFAULT_ADMIN_TOKEN_MAX_TTL_S = 86_400;
const SKEW_S = 60;

const key = (secret: string) => new TextEncoder().encode(secret);

export async function mintAdminToken(
  secret: string,
  ttlSeconds = 3600,
  subject = 'admin-cli',
): Promise<string> {
  return new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key(secret));
}

export type AdminTokenCheck =
  { ok: true; subject: string } | { ok: false; reason: 'invalid' | 'lifetime_too_long' };

/** A well-signed, unexpired HS256 token with role admin, an `exp` claim and a lifetime within `maxTtlSeconds`. */
export async function checkAdminToken(
  secret: string,
  token: string,
  maxTtlSeconds = DEFAULT_ADMIN_TOKEN_MAX_TTL_S,
): Promise<AdminTokenCheck> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp'],
    });
    if (payload.role !== 'admin') return { ok: false, reason: 'invalid' };
    const now = Math.floor(Date.now() / 1000);
    const exp = payload.exp;
    if (exp === undefined) return { ok: false, reason: 'invalid' }; // requiredClaims: jose has checked it
    if (exp - now > maxTtlSeconds + SKEW_S) return { ok: false, reason: 'lifetime_too_long' };
    if (typeof payload.iat === 'number' && exp - payload.iat > maxTtlSeconds)
      return { ok: false, reason: 'lifetime_too_long' };
    return { ok: true, subject: payload.sub ?? 'admin' };
  } catch {
    return { ok: false, reason: 'invalid' };
  }
}

/** The token's subject when checkAdminToken accepts it, else undefined. */
export async function verifyAdminToken(
  secret: string,
  token: string,
  maxTtlSeconds = DEFAULT_ADMIN_TOKEN_MAX_TTL_S,
): Promise<{ subject: string } | undefined> {
  const c = await checkAdminToken(secret, token, maxTtlSeconds);
  return c.ok ? { subject: c.subject } : undefined;
}
