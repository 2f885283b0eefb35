import type { AuditEntry, Ban, Message, Overview, Report as WireReport, RoomSettings, RoomSummary } from '../protocol/index.js';

/**
 * Reports a page of the open list holds. Each report shows the two
 * messages before it, one request each, so a page is kept short; "Load
 * more" brings the next, and the open count says how many there are.
 */
export const REPORTS_PAGE = 20;

export type { AuditEntry, RoomSummary };
/** A report, with the messages just before it, fetched for context. */
export type Report = WireReport & { before?: Message[] };

/** What the admin API refused, as its error body says it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * The relay's admin HTTP API as the console speaks it: its session cookie
 * (HttpOnly, so sent by the browser, never read) and the page's Origin,
 * which the relay checks against CSRF. Every moderation action goes through
 * here, so it is audited as the console's user. A 401 on anything but the
 * session itself means the session ended: `onSignedOut` is told.
 */
export class AdminApi {
  /**
   * @param base - where the relay's HTTP API is, read at each call ('' is this page's origin).
   * @param onSignedOut - called when the relay no longer knows the session.
   */
  constructor(
    private readonly base: () => string,
    private readonly onSignedOut: () => void,
  ) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base()}${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 204) return undefined as T;
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = answer?.error ?? {};
      if (response.status === 401 && path !== '/console/session') this.onSignedOut();
      throw new ApiError(response.status, error.code ?? 'internal', error.message ?? response.statusText, error.retryAfterMs);
    }
    return answer as T;
  }

  // ---- the session

  /** Who is signed in; refused (401) when nobody is. */
  session() {
    return this.call<{ name: string }>('GET', '/console/session');
  }

  signIn(key: string, name?: string) {
    return this.call<{ name: string }>('POST', '/console/session', { key, ...(name ? { name } : {}) });
  }

  signOut() {
    return this.call('DELETE', '/console/session');
  }

  /** A one-minute ticket that opens one Socket.IO connection as this session. */
  async ticket(): Promise<string> {
    return (await this.call<{ ticket: string }>('POST', '/console/ticket')).ticket;
  }

  // ---- reading

  /** The last 24 hours of every room, a point a minute. */
  overview() {
    return this.call<Overview>('GET', '/api/overview');
  }

  async rooms(filter: string): Promise<RoomSummary[]> {
    return (await this.call<{ rooms: RoomSummary[] }>('GET', `/api/rooms${filter ? `?q=${encodeURIComponent(filter)}` : ''}`)).rooms;
  }

  /** A page of open reports, newest first, older than the report `before` when given; and how many are open in all. */
  openReports(before?: string) {
    return this.call<{ reports: Report[]; total: number; hasMore: boolean }>(
      'GET',
      `/api/reports?status=open&limit=${REPORTS_PAGE}${before ? `&before=${encodeURIComponent(before)}` : ''}`,
    );
  }

  /** How many reports are open, in every room. */
  async openCount(): Promise<number> {
    return (await this.call<{ total: number }>('GET', '/api/reports?status=open&limit=1')).total;
  }

  /** The `limit` messages of `room` just before `seq`. */
  async messagesBefore(room: string, seq: number, limit: number): Promise<Message[]> {
    return (await this.call<{ messages: Message[] }>('GET', `/api/rooms/${room}/messages?before=${seq}&limit=${limit}`)).messages;
  }

  settings(room: string) {
    return this.call<RoomSettings>('GET', `/api/rooms/${room}/settings`);
  }

  async bans(room: string): Promise<Ban[]> {
    return (await this.call<{ bans: Ban[] }>('GET', `/api/rooms/${room}/bans`)).bans;
  }

  async audit(room: string, limit: number): Promise<AuditEntry[]> {
    return (await this.call<{ entries: AuditEntry[] }>('GET', `/api/rooms/${room}/audit?limit=${limit}&members=1`)).entries;
  }

  // ---- acting

  deleteMessage(room: string, seq: number) {
    return this.call('DELETE', `/api/rooms/${room}/messages/${seq}`);
  }

  ban(room: string, memberId: string, minutes: number, reason: string) {
    return this.call('POST', `/api/rooms/${room}/bans`, { memberId, minutes, ...(reason ? { reason } : {}) });
  }

  unban(room: string, memberId: string) {
    return this.call('DELETE', `/api/rooms/${room}/bans/${encodeURIComponent(memberId)}`);
  }

  configure(room: string, patch: Partial<RoomSettings>) {
    return this.call<RoomSettings>('PATCH', `/api/rooms/${room}/settings`, patch);
  }

  resolveReport(id: string) {
    return this.call('POST', `/api/reports/${id}/resolve`);
  }
}
