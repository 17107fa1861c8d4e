/**
 * What the pull types' forms (LDAP, Entra ID) read and write alike: plain values of stored settings,
 * the admin groups (engine/AdminGroups) and the schedules (engine/PullScheduler).
 */

/** The admin roles an admin group can grant (rule 12; engine/AdminRoleSets). */
export const ADMIN_ROLES = ["owner", "administrator", "user-manager", "help-desk", "read-only"] as const;

/** An admin group's row: the group as the type names it (an LDAP DN, an Entra object id) and the role it grants. */
export type AdminGroup = { group: string; role: string };

export const DEFAULT_FULL_SYNC_MINUTES = 720;
export const DEFAULT_ADMIN_SYNC_MINUTES = 30;

/** The schedules' fields; `incrementalSyncMinutes` only for a type with incremental pulls. */
export type Schedules = {
  fullSyncMinutes: string;
  incrementalSyncMinutes?: string;
  adminSyncMinutes: string;
  schedulePaused: boolean;
};

export const text = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A stored admin-groups setting's rows; `key` is the type's own name for the group ("dn"), the neutral "group" also read. */
export const adminGroupsOf = (stored: unknown, key = "group"): AdminGroup[] =>
  list(stored).map((g) => {
    const o = g as Record<string, unknown>;
    return { group: text(o[key]) || text(o.group), role: text(o.role) || "read-only" };
  });

/** The rows to save: those with a group, under the type's key. */
export const adminGroupsSetting = (rows: AdminGroup[], key = "group") =>
  rows.filter((g) => g.group.trim()).map((g) => ({ [key]: g.group.trim(), role: g.role }));

/** The schedules of stored settings (the server's defaults when unset). */
export const schedulesOf = (s: Record<string, unknown>) => ({
  fullSyncMinutes: text(s.fullSyncMinutes) || String(DEFAULT_FULL_SYNC_MINUTES),
  adminSyncMinutes: text(s.adminSyncMinutes) || String(DEFAULT_ADMIN_SYNC_MINUTES),
  schedulePaused: s.schedulePaused === true,
});

/** Writes the form's schedules into settings to save (a value that is not a positive number: the default). */
export function putSchedules(s: Record<string, unknown>, form: Schedules) {
  s.fullSyncMinutes = minutes(form.fullSyncMinutes, DEFAULT_FULL_SYNC_MINUTES);
  s.adminSyncMinutes = minutes(form.adminSyncMinutes, DEFAULT_ADMIN_SYNC_MINUTES);
  s.schedulePaused = form.schedulePaused;
}

export const minutes = (value: string, fallback: number) => {
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= 1 ? n : fallback;
};
