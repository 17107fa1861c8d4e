const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How far a time is from now, in the admin's language ("in 3 days", "2 hours ago", "tomorrow"), in the largest
 * whole unit that fits; empty when there is no time.
 */
export function relativeTime(epochMillis: number | null | undefined, language: string, now = Date.now()): string {
  if (!epochMillis) return "";
  const diff = epochMillis - now;
  const abs = Math.abs(diff);
  const format = new Intl.RelativeTimeFormat(language || "en", { numeric: "auto" });
  if (abs >= DAY) return format.format(Math.round(diff / DAY), "day");
  if (abs >= HOUR) return format.format(Math.round(diff / HOUR), "hour");
  return format.format(Math.round(diff / MINUTE), "minute");
}

/** A date and time, short ("11/30/26, 9:21 AM" in English), for tables with many time columns; a dash when none. */
export function shortTime(epochMillis: number | null | undefined, language: string): string {
  if (!epochMillis) return "—";
  return new Date(epochMillis).toLocaleString(language || undefined, { dateStyle: "short", timeStyle: "short" });
}
