/**
 * The Microsoft Entra ID form and the directory settings it edits. The keys are the server's
 * (io.dirsync.entra.EntraSettings, engine/AdminGroups, engine/PullScheduler, enrollment/EnrollmentSettings):
 *
 *   tenantId, clientId, clientSecret (write-only: sent only when typed; empty keeps the stored one),
 *   authorityHost, graphEndpoint (the cloud's), syncedGroups [object id], transitiveMembers,
 *   adminGroups [{group: object id, role}], usernameAttribute, mappings [{source, target}],
 *   identityProvider (alias), passwordSignIn (default: only without an identity provider), fullSyncMinutes (720), incrementalSyncMinutes (15), adminSyncMinutes (30),
 *   schedulePaused, enrollmentEmails, enrollmentFactors.
 *
 * Saving starts from the directory's stored settings, so keys this form does not edit (the mapping
 * editor's mappings on a saved directory, the mass-deprovisioning guard, page size...) are kept.
 */
import { enrollmentOf } from "../EnrollmentFields";
import {
  AdminGroup,
  adminGroupsOf,
  adminGroupsSetting,
  list,
  minutes,
  putSchedules,
  Schedules,
  schedulesOf,
  text,
} from "../shared/settings";

export type Cloud = "global" | "usgov" | "china" | "custom";

/** The national clouds: where the app gets its token and where Graph answers. */
export const CLOUDS: Record<Exclude<Cloud, "custom">, { authorityHost: string; graphEndpoint: string }> = {
  global: { authorityHost: "https://login.microsoftonline.com", graphEndpoint: "https://graph.microsoft.com" },
  usgov: { authorityHost: "https://login.microsoftonline.us", graphEndpoint: "https://graph.microsoft.us" },
  china: { authorityHost: "https://login.chinacloudapi.cn", graphEndpoint: "https://microsoftgraph.chinacloudapi.cn" },
};

/** The Graph user properties admins commonly make the Keycloak username. */
export const USERNAME_ATTRIBUTES = ["userPrincipalName", "mail", "onPremisesSamAccountName", "employeeId"];

/** The Graph properties behind the required mappings other than the username (EntraSettings' defaults). */
export const REQUIRED_SOURCES = { email: "mail", firstName: "givenName", lastName: "surname" };

export const DEFAULT_INCREMENTAL_SYNC_MINUTES = 15;

export type EntraForm = Schedules & {
  name: string;
  tenantId: string;
  clientId: string;
  /** typed by the admin; empty = keep the stored one (edit) */
  clientSecret: string;
  cloud: Cloud;
  authorityHost: string;
  graphEndpoint: string;
  syncedGroups: string[];
  transitiveMembers: boolean;
  /** each row's group is an object id */
  adminGroups: AdminGroup[];
  /** the names of groups picked by searching (object id -> display name), for their labels only */
  groupNames: Record<string, string>;
  usernameAttribute: string;
  /** the optional mappings; undefined on a saved directory, whose Mappings tab edits them */
  mappings?: { source: string; target: string }[];
  identityProvider: string;
  /** with an identity provider: whether its users may also sign in with a Keycloak password (default no) */
  passwordSignIn: boolean;
  incrementalSyncMinutes: string;
  enrollmentEmails: boolean;
  enrollmentFactors: string[];
};

export function newForm(name: string): EntraForm {
  return {
    name,
    tenantId: "",
    clientId: "",
    clientSecret: "",
    cloud: "global",
    ...CLOUDS.global,
    syncedGroups: [],
    transitiveMembers: false,
    adminGroups: [],
    groupNames: {},
    usernameAttribute: "userPrincipalName",
    mappings: [],
    identityProvider: "",
    passwordSignIn: false,
    ...schedulesOf({}),
    incrementalSyncMinutes: String(DEFAULT_INCREMENTAL_SYNC_MINUTES),
    ...enrollmentOf({}),
  };
}

const noSlash = (url: string) => url.trim().replace(/\/+$/, "");

/** The cloud whose hosts these are; "custom" for any other pair. */
export function cloudOf(authorityHost: string, graphEndpoint: string): Cloud {
  const a = noSlash(authorityHost).toLowerCase();
  const g = noSlash(graphEndpoint).toLowerCase();
  for (const [id, c] of Object.entries(CLOUDS)) {
    if (c.authorityHost === a && c.graphEndpoint === g) return id as Cloud;
  }
  return "custom";
}

/** The form with a cloud chosen: its hosts, or (custom) the hosts as they are, to be edited. */
export function withCloud(form: EntraForm, cloud: Cloud): EntraForm {
  return cloud === "custom" ? { ...form, cloud } : { ...form, cloud, ...CLOUDS[cloud] };
}

/** The form showing a saved directory; `groupNames` from its managed groups when they are known. */
export function fromSettings(name: string, s: Record<string, unknown>, groupNames: Record<string, string> = {}): EntraForm {
  const authorityHost = noSlash(text(s.authorityHost)) || CLOUDS.global.authorityHost;
  const graphEndpoint = noSlash(text(s.graphEndpoint)) || CLOUDS.global.graphEndpoint;
  return {
    name,
    tenantId: text(s.tenantId),
    clientId: text(s.clientId),
    clientSecret: "",
    cloud: cloudOf(authorityHost, graphEndpoint),
    authorityHost,
    graphEndpoint,
    syncedGroups: list(s.syncedGroups).map(text).filter(Boolean),
    transitiveMembers: s.transitiveMembers === true,
    adminGroups: adminGroupsOf(s.adminGroups),
    groupNames,
    usernameAttribute: text(s.usernameAttribute) || "userPrincipalName",
    mappings: undefined,
    identityProvider: text(s.identityProvider),
    passwordSignIn: s.passwordSignIn === true,
    ...schedulesOf(s),
    incrementalSyncMinutes: text(s.incrementalSyncMinutes) || String(DEFAULT_INCREMENTAL_SYNC_MINUTES),
    ...enrollmentOf(s),
  };
}

/**
 * The settings to save or test: the stored ones (keys the form does not edit are kept) with the
 * form's values. The client secret is sent only when the admin typed one.
 */
export function toSettings(form: EntraForm, stored: Record<string, unknown> = {}): Record<string, unknown> {
  const s: Record<string, unknown> = { ...stored };
  const set = (key: string, value: string) => {
    if (value.trim()) s[key] = value.trim();
    else delete s[key];
  };
  set("tenantId", form.tenantId);
  set("clientId", form.clientId);
  delete s.clientSecret;
  if (form.clientSecret) s.clientSecret = form.clientSecret;
  set("authorityHost", noSlash(form.authorityHost));
  set("graphEndpoint", noSlash(form.graphEndpoint));
  s.syncedGroups = form.syncedGroups;
  s.transitiveMembers = form.transitiveMembers;
  s.adminGroups = adminGroupsSetting(form.adminGroups);
  set("usernameAttribute", form.usernameAttribute);
  if (form.mappings) {
    s.mappings = form.mappings
      .filter((m) => m.source.trim() || m.target.trim())
      .map((m) => ({ source: m.source.trim(), target: m.target.trim() }));
  }
  set("identityProvider", form.identityProvider);
  // Without an identity provider a Keycloak password is the only way in (the server's default): not saved then.
  delete s.passwordSignIn;
  if (form.identityProvider.trim() && form.passwordSignIn) s.passwordSignIn = true;
  putSchedules(s, form);
  s.incrementalSyncMinutes = minutes(form.incrementalSyncMinutes, DEFAULT_INCREMENTAL_SYNC_MINUTES);
  s.enrollmentEmails = form.enrollmentEmails;
  s.enrollmentFactors = form.enrollmentFactors;
  return s;
}

/** A group object id (a GUID), as typed in full into a group picker. */
export const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
