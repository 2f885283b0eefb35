/**
 * The contract's constants (limits, patterns, defaults), with no import: the
 * widget and the console import their values from here, so a visitor's
 * script pays for the few it uses and never for zod. The schemas of
 * shapes.ts, events.ts and admin.ts are built from the same values. Also
 * the one rule clients apply as the relay does (replyQuote), so it is
 * written once.
 */

export const ROOM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 200;
export const MAX_NAME_LENGTH = 32;
/**
 * v3: what only the relay's badges may show, so never a guest's name: check
 * marks, stars, shields, crowns and trademark signs (U+2122, U+00AE,
 * U+2605–2606, U+2611, U+2705, U+2713–2714, U+2B50, U+1F451, U+1F6E1; also
 * the light check mark U+1F5F8, the glowing star U+1F31F and the service
 * mark U+2120). A variation sequence holds its base, so it is refused too.
 */
/** v3: a guest may not take a name that looks like that of a verified member who joined a room in this many days. */
export const VERIFIED_NAME_DAYS = 30;
export const BADGE_SYMBOLS = /[\u2120\u2122\u00AE\u2605\u2606\u2611\u2705\u2713\u2714\u2B50\u{1F451}\u{1F6E1}\u{1F5F8}\u{1F31F}]/u;
/** A typist's `typing: true` is relayed at most this often; clients repeat it this often while typing. */
export const TYPING_THROTTLE_MS = 2000;
/** MAX_MESSAGE_LENGTH's default, in characters (code points). */
export const DEFAULT_MAX_MESSAGE_LENGTH = 2000;
/** A send names at most this many members. */
export const MAX_MENTIONS = 10;
/** A reply carries at most this many characters (code points) of its parent's text. */
export const REPLY_PREVIEW_LENGTH = 140;

/**
 * A parent's text as a reply quotes it: its first REPLY_PREVIEW_LENGTH
 * characters (code points, so an emoji is never cut in half). The relay
 * quotes so when it reads a reply; a client requotes so when the parent is
 * edited, and shows what the relay would.
 */
export const replyQuote = (text: string): string => [...text].slice(0, REPLY_PREVIEW_LENGTH).join('');
/** A join's `changed` holds at most this many messages (then `changedTruncated`). */
export const CHANGED_MAX_LIMIT = 500;
/** EDIT_WINDOW_MINUTES's default. */
export const DEFAULT_EDIT_WINDOW_MINUTES = 15;
/** REACTIONS's default: the emoji members may react with. */
export const DEFAULT_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🎉'] as const;

/** v2: the limits of room settings, bans and reports (characters are code points). */
export const MAX_TOPIC_LENGTH = 200;
export const MAX_SLOW_MODE_SECONDS = 3600;
export const MAX_BLOCKED_WORDS = 500;
export const MAX_BLOCKED_WORD_LENGTH = 64;
export const MAX_BAN_MINUTES = 525_600;
export const MAX_REASON_LENGTH = 200;

/**
 * v3: GET /api/reports answers a page of this many reports by default, and
 * at most (more is read as the most); `before` and `total` page through the rest.
 */
export const REPORTS_DEFAULT_LIMIT = 100;
export const REPORTS_MAX_LIMIT = 500;
/**
 * v3: how many reports a member may make per window (whatever RATE_LIMIT
 * allows them to send), and the guests of one network address together.
 * An honest viewer reports a few messages in an evening, a raid's worth in
 * a minute or two: 20 covers that, while a flood (12 tabs reported 520
 * messages in half a second) becomes 20 reports, or 40 from one network
 * however many guest ids it churns. The network's allowance is twice a
 * member's, for the two or three honest guests a household or office
 * puts behind one address. RATE_LIMIT=off turns these off too.
 */
export const REPORTS_PER_MEMBER = { points: 20, windowMs: 10 * 60_000 } as const;
export const REPORTS_PER_GUEST_ADDRESS = { points: 40, windowMs: 10 * 60_000 } as const;

/** A member id, as `ban`, `unban` and the admin routes take it (`guest:…` for a guest). */
export const MAX_MEMBER_ID_LENGTH = 200;
/** A reaction's emoji is checked against REACTIONS by the chat core; the payload only bounds its size. */
export const MAX_EMOJI_LENGTH = 64;
/** A blocked word once trimmed: 1 to MAX_BLOCKED_WORD_LENGTH characters (so "  " is no entry). */
export const BLOCKED_WORD_PATTERN = new RegExp(`^\\s*(?=\\S)[\\s\\S]{0,${MAX_BLOCKED_WORD_LENGTH - 1}}\\S\\s*$`, 'u');

/** v3: GET /api/rooms lists this many rooms by default, and at most. */
export const ROOMS_DEFAULT_LIMIT = 100;
export const ROOMS_MAX_LIMIT = 500;
/** The console's overview (GET /api/overview): a point a minute over the last 24 hours, and the busiest rooms of them. */
export const OVERVIEW_MINUTES = 1440;
export const OVERVIEW_BUSIEST = 5;
/** v3: an audit page holds this many entries by default, and at most. */
export const AUDIT_DEFAULT_LIMIT = 50;
export const AUDIT_MAX_LIMIT = 200;
/** POST /api/rooms/:room/messages: the author's id (never `guest:…`) and avatar URL. */
export const MAX_API_AUTHOR_ID_LENGTH = 128;
export const MAX_AVATAR_URL_LENGTH = 2048;
/** GET /api/rooms?q=: the most characters a search holds. */
export const MAX_ROOM_SEARCH_LENGTH = 64;
/** A report's id, as the admin routes take it. */
export const MAX_REPORT_ID_LENGTH = 64;
