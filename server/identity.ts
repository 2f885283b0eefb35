import { createHash, randomBytes } from 'node:crypto';
import { CLIENT_ID_PATTERN, MAX_NAME_LENGTH, type HandshakeErrorCode, type Member } from '../protocol/index.js';

export type IdentityResult = { member: Member } | { refuse: HandshakeErrorCode };

// Control characters (C0, DEL, C1) and the invisible format characters that
// let one name impersonate another (bidi overrides, zero-width joiners).
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cf}]/u;

/** A display name after trim and NFC, or null when it breaks the rules. */
export function cleanName(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const name = raw.normalize('NFC').trim();
  const length = [...name].length;
  if (length < 1 || length > MAX_NAME_LENGTH || FORBIDDEN_IN_NAME.test(name)) return null;
  return name;
}

/**
 * A guest's id is derived from their browser's clientId and their name, so
 * one guest with three tabs is one member, while two names typed in one
 * browser (the demo's alice and bob) stay two. The `guest:` prefix keeps it
 * apart from every verified id, whatever the guest sends.
 */
function guestId(clientId: string, name: string): string {
  const digest = createHash('sha256').update(`${clientId}\n${name}`).digest('base64url');
  return `guest:${digest.slice(0, 22)}`;
}

/** Who a handshake's `auth` says the client is (guests only, until signed identities land). */
export function identify(auth: unknown): IdentityResult {
  const { name, token, clientId } = (auth && typeof auth === 'object' ? auth : {}) as Record<string, unknown>;
  // Without a JWT secret no token can be verified; a client that sends one
  // expects a verified identity, so it is refused rather than demoted to guest.
  if (token !== undefined) return { refuse: 'unauthorized' };

  let displayName: string;
  if (name === undefined || name === null || name === '') {
    displayName = `guest-${randomBytes(2).toString('hex')}`;
  } else {
    const cleaned = cleanName(name);
    if (cleaned === null) return { refuse: 'invalid_name' };
    displayName = cleaned;
  }
  const browser =
    typeof clientId === 'string' && CLIENT_ID_PATTERN.test(clientId) ? clientId : randomBytes(12).toString('base64url');
  return { member: { id: guestId(browser, displayName), name: displayName, verified: false } };
}
