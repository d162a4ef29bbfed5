/** Admin bearer tokens: HS256 JWTs signed with ADMIN_JWT_SECRET, claim `role: "admin"`, always with an expiry. */
import { jwtVerify, SignJWT } from 'jose';

const ISSUER = 'veqtrx-gateway';
const AUDIENCE = 'veqtrx-admin';

const key = (secret: string) => new TextEncoder().encode(secret);

export async function mintAdminToken(secret: string, ttlSeconds = 3600, subject = 'admin-cli'): Promise<string> {
  return new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key(secret));
}

/** True only for a well-signed, unexpired HS256 token with role admin and an `exp` claim. */
export async function verifyAdminToken(secret: string, token: string): Promise<{ subject: string } | undefined> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, requiredClaims: ['exp'] });
    if (payload.role !== 'admin') return undefined;
    return { subject: payload.sub ?? 'admin' };
  } catch {
    return undefined;
  }
}
