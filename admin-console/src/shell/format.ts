/** A date and time in the admin's locale; a dash when there is none. */
export const formatTime = (epochMillis?: number | null) =>
  epochMillis ? new Date(epochMillis).toLocaleString() : "—";

/** The status a directory shows in the list: its own, or what stops it working. */
export function directoryHealth(d: {
  status: string;
  scim?: { tokenStatus?: string };
  lastRun?: { status: string } | null;
  type: string;
}): string {
  if (d.status === "active" && d.scim?.tokenStatus === "expired") return "token expired";
  if (d.status === "active" && d.type !== "scim" && d.lastRun?.status === "failed") return "connection failed";
  return d.status;
}
