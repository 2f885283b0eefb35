import { createHash, randomBytes } from 'node:crypto';
import { jwtVerify, type JWTPayload } from 'jose';
import { BADGE_SYMBOLS, CLIENT_ID_PATTERN, MAX_NAME_LENGTH, ROOM_PATTERN, type HandshakeErrorCode, type Member } from '../../protocol/index.js';
import { skeleton } from './confusables.js';
import { nameKeys } from './names.js';
import { FORMATTING_CLASS, isVisible } from './rules.js';

const GUEST_PREFIX = 'guest:';

/** Who connected; `rooms`: the rooms a moderator's token limits them to (absent: every room). */
export type IdentityResult = { member: Member; rooms?: string[] } | { refuse: HandshakeErrorCode };

/** A token's `rooms` claim holds at most this many rooms. */
const MAX_SCOPED_ROOMS = 1000;

// Control characters (C0, DEL, C1) and the characters that draw nothing
// (rules.ts FORMATTING_CLASS: bidi overrides and isolates, zero-width
// spaces and joiners, fillers, tags), which let one name impersonate
// another; and a name must show something (isVisible). Two are let through
// where an emoji needs them: U+200D between two pictographs (`👩‍💻`, the
// first maybe with its skin tone or U+FE0F: `👩🏽‍💻`, `🏳️‍🌈`), and the
// presentation selectors U+FE0E/U+FE0F (`❤️`).
const FORBIDDEN_IN_NAME = new RegExp(`[\\p{Cc}${FORMATTING_CLASS}]`, 'u');
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}[\u{1F3FB}-\u{1F3FF}\uFE0F]?)\u200D(?=\p{Extended_Pictographic})/gu;
const PRESENTATION = /[\uFE0E\uFE0F]/g;

/** A display name after trim and NFC, or null when it breaks the rules. */
export function cleanName(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  if (!raw.isWellFormed()) return null;
  const name = raw.normalize('NFC').trim();
  const length = [...name].length;
  const forbidden = FORBIDDEN_IN_NAME.test(name.replace(EMOJI_JOINER, '').replace(PRESENTATION, ''));
  if (length < 1 || length > MAX_NAME_LENGTH || forbidden || !isVisible(name)) return null;
  return name;
}

/**
 * A guest's id is derived from their browser's clientId and their name, so
 * one guest with three tabs is one member, while two names typed in one
 * browser (the demo's alice and bob) stay two. The `guest:` prefix, which
 * no token's `sub` may carry, keeps it apart from every verified id.
 */
function guestId(clientId: string, name: string): string {
  const digest = createHash('sha256').update(`${clientId}\n${name}`).digest('base64url');
  return `${GUEST_PREFIX}${digest.slice(0, 22)}`;
}

export interface IdentityOptions {
  jwtSecret?: string;
  guests: boolean;
  /**
   * Whether a verified member whose name has one of these keys (names.ts)
   * joined a room lately: a guest may not take such a name. Without it,
   * nothing is checked.
   */
  verifiedLookAlike?: (keys: string[]) => Promise<boolean>;
  /** Whether a name holds a word blocked everywhere (BLOCKED_WORDS_FILE): refused, verified or not. */
  blockedName?: (name: string) => boolean;
}

/** Who a handshake's `auth` says the client is: a verified user (valid token) or a guest. */
export function createIdentify(options: IdentityOptions): (auth: unknown) => Promise<IdentityResult> {
  const key = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;

  return async (auth) => {
    const { name, token, clientId } = (auth && typeof auth === 'object' ? auth : {}) as Record<string, unknown>;
    // A token wins over `name`. Without a secret no token can be checked: a
    // client that sends one expects to be verified, so it is refused rather
    // than quietly demoted to guest.
    if (token !== undefined) {
      const identity: IdentityResult = key ? await verify(token, key) : { refuse: 'unauthorized' };
      return 'member' in identity && options.blockedName?.(identity.member.name) ? { refuse: 'invalid_name' } : identity;
    }
    if (!options.guests) return { refuse: 'unauthorized' };
    const identity = guest(name, clientId);
    if ('member' in identity && options.blockedName?.(identity.member.name)) return { refuse: 'invalid_name' };
    // A name the relay picked (`guest-XXXX`) looks like nobody's.
    if ('member' in identity && typeof name === 'string' && name !== '' && options.verifiedLookAlike) {
      if (await options.verifiedLookAlike(nameKeys(identity.member.name))) return { refuse: 'invalid_name' };
    }
    return identity;
  };
}

async function verify(token: unknown, key: Uint8Array): Promise<IdentityResult> {
  if (typeof token !== 'string' || token.length > 8192) return { refuse: 'unauthorized' };
  let claims: JWTPayload;
  try {
    // The algorithm is pinned: `alg: none` and RS/ES confusion are refused by jose.
    ({ payload: claims } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['sub', 'name', 'exp'] }));
  } catch {
    return { refuse: 'unauthorized' };
  }
  const { sub, name, avatar, role, rooms } = claims as JWTPayload & Record<string, unknown>;
  const displayName = cleanName(name);
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128 || sub.startsWith(GUEST_PREFIX) || /[\p{Cc}]/u.test(sub) || !sub.isWellFormed()) {
    return { refuse: 'unauthorized' };
  }
  if (displayName === null) return { refuse: 'invalid_name' };
  const member: Member = { id: sub, name: displayName, verified: true };
  if (typeof avatar === 'string' && isHttpsUrl(avatar)) member.avatar = avatar;
  // PROTOCOL v2: any other role is an ordinary member, not an error.
  if (role !== 'moderator') return { member };
  member.role = 'moderator';
  if (rooms === undefined) return { member };
  // A scope that is not a list of names would be read wrongly either way
  // (as every room, or as none): the token is refused.
  if (!Array.isArray(rooms) || rooms.length > MAX_SCOPED_ROOMS || !rooms.every((r) => typeof r === 'string')) {
    return { refuse: 'unauthorized' };
  }
  return { member, rooms: (rooms as string[]).filter((r) => ROOM_PATTERN.test(r)) };
}

function isHttpsUrl(value: string): boolean {
  try {
    return value.length <= 2048 && new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Whether a name shows one of the badge symbols only the relay grants (a
 * check mark, a star …), itself or through a look-alike (`Ⓡ` for `®`).
 */
function showsBadge(name: string): boolean {
  return BADGE_SYMBOLS.test(name) || BADGE_SYMBOLS.test(skeleton(name));
}

function guest(name: unknown, clientId: unknown): IdentityResult {
  let displayName: string;
  if (name === undefined || name === null || name === '') {
    displayName = `guest-${randomBytes(2).toString('hex')}`;
  } else {
    const cleaned = cleanName(name);
    if (cleaned === null || showsBadge(cleaned)) return { refuse: 'invalid_name' };
    displayName = cleaned;
  }
  const browser =
    typeof clientId === 'string' && CLIENT_ID_PATTERN.test(clientId) ? clientId : randomBytes(12).toString('base64url');
  return { member: { id: guestId(browser, displayName), name: displayName, verified: false } };
}
