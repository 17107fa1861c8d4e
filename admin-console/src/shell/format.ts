/** A date and time in the admin's locale; a dash when there is none. */
export const formatTime = (epochMillis?: number | null) =>
  epochMillis ? new Date(epochMillis).toLocaleString() : "—";

/**
 * The status a directory shows in the list: its own, or what stops it working (a pushed directory's expired
 * token; a pull directory whose last run failed, which is how a pull fails to reach its source).
 */
export function directoryHealth(d: {
  status: string;
  pull: boolean;
  scim?: { tokenStatus?: string };
  lastRun?: { status: string } | null;
}): string {
  if (d.status === "active" && d.scim?.tokenStatus === "expired") return "token expired";
  if (d.status === "active" && d.pull && d.lastRun?.status === "failed") return "connection failed";
  return d.status;
}
