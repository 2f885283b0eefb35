import { OVERVIEW_BUSIEST, OVERVIEW_MINUTES, type Overview } from '../../protocol/index.js';
import type { Store } from '../stores/store.js';
import type { Roster } from './roster.js';

const MINUTE = 60_000;
/** Samples of members online are kept two days: the overview shows one. */
export const ONLINE_SAMPLES_KEPT_MS = 2 * OVERVIEW_MINUTES * MINUTE;

/**
 * The relay's last 24 hours for the console's overview, a point a minute:
 * messages sent (counted from the stored messages' times, so every relay
 * of a cluster answers the same, and a restart loses nothing), members
 * online (each relay's samples, summed), the busiest rooms with who is in
 * them now, and the open reports. Messages removed by retention are not
 * counted; neither are held ones, which are not messages yet.
 */
export async function overview(deps: { store: Store; roster: Roster }, now: number): Promise<Overview> {
  const { store, roster } = deps;
  const from = Math.floor(now / MINUTE) * MINUTE - (OVERVIEW_MINUTES - 1) * MINUTE;
  const to = from + OVERVIEW_MINUTES * MINUTE;
  const [perMinute, samples, busiest, reports] = await Promise.all([
    store.messagesPerMinute(from, to),
    store.onlineSamples(from, to),
    store.busiestRooms(from, OVERVIEW_BUSIEST),
    store.reports({ status: 'open' }, { limit: 1 }),
  ]);
  const messages = new Array<number>(OVERVIEW_MINUTES).fill(0);
  for (const { minute, count } of perMinute) messages[(minute - from) / MINUTE] = count;
  const online = new Array<number | null>(OVERVIEW_MINUTES).fill(null);
  for (const { minute, members } of samples) online[Math.floor((minute - from) / MINUTE)] = members;
  const rooms = await Promise.all(busiest.map(async (r) => ({ ...r, online: (await roster.online(r.room)).size })));
  return { from, messages, online, rooms, openReports: reports?.total ?? 0 };
}
