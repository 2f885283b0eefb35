/** A time as the console shows it (the moderator's locale), or a dash for none. */
export const time = (ts: number | null) => (ts === null ? '—' : new Date(ts).toLocaleString());
