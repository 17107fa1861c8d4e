/**
 * The LDAP / Active Directory form and the directory settings it edits. The keys are the server's
 * (io.dirsync.ldap.LdapSettings, engine/AdminGroups, engine/PullScheduler, enrollment/EnrollmentSettings):
 *
 *   vendor "ad" | "openldap", connectionUrl, startTls, bindDn, bindCredential (sent only when typed),
 *   usersDn, usernameAttribute, uuidAttribute, userObjectClasses, userFilter, syncedGroups [DN],
 *   nestedGroups, adminGroups [{dn, role}], mappings [{source, target}] (targets alias1..alias8 are
 *   the username aliases), fullSyncMinutes (720), adminSyncMinutes (30), schedulePaused, enrollmentEmails,
 *   kerberos {realm, serverPrincipal, keyTab, allowKerberosAuthentication, useKerberosForPasswordAuthentication,
 *   debug} (vendor "ad" only; io.dirsync.ldap.KerberosSettings).
 *
 * Saving starts from the directory's stored settings, so keys this form does not edit (other
 * mappings, the mass-deprovisioning guard, enrollment factors, page size...) are kept.
 */
import { enrollmentOf } from "../EnrollmentFields";
import {
  AdminGroup,
  adminGroupsOf,
  adminGroupsSetting,
  list,
  putSchedules,
  Schedules,
  schedulesOf,
  text,
} from "../shared/settings";

/** "other" is an LDAP server that is neither: saved as "openldap" with the attributes the admin sets. */
export type Vendor = "ad" | "openldap" | "other";
export type Security = "none" | "ldaps" | "starttls";

export const ALIAS_SLOTS = 8;

export type LdapForm = Schedules & {
  name: string;
  vendor: Vendor;
  connectionUrl: string;
  startTls: boolean;
  bindDn: string;
  /** typed by the admin; empty = keep the stored one (edit) */
  bindCredential: string;
  usersDn: string;
  usernameAttribute: string;
  uuidAttribute: string;
  userObjectClasses: string;
  userFilter: string;
  syncedGroups: string[];
  nestedGroups: boolean;
  aliases: { slot: number; source: string }[];
  /** each row's group is a DN */
  adminGroups: AdminGroup[];
  enrollmentEmails: boolean;
  enrollmentFactors: string[];
  kerberos: KerberosForm;
};

/** Keycloak's Kerberos options of an AD directory; all empty and off = no Kerberos setting. */
export type KerberosForm = {
  realm: string;
  serverPrincipal: string;
  keyTab: string;
  /** SPNEGO sign-in */
  allowKerberosAuthentication: boolean;
  /** passwords checked by the KDC; Keycloak does it only with SPNEGO allowed too */
  useKerberosForPasswordAuthentication: boolean;
  debug: boolean;
};

export const NO_KERBEROS: KerberosForm = {
  realm: "",
  serverPrincipal: "",
  keyTab: "",
  allowKerberosAuthentication: false,
  useKerberosForPasswordAuthentication: false,
  debug: false,
};

/** The form's Kerberos options of a stored setting. */
export function kerberosOf(stored: unknown): KerberosForm {
  if (!stored || typeof stored !== "object") return NO_KERBEROS;
  const k = stored as Record<string, unknown>;
  return {
    realm: text(k.realm),
    serverPrincipal: text(k.serverPrincipal),
    keyTab: text(k.keyTab),
    allowKerberosAuthentication: k.allowKerberosAuthentication === true,
    useKerberosForPasswordAuthentication: k.useKerberosForPasswordAuthentication === true,
    debug: k.debug === true,
  };
}

/** The setting to save: null when nothing is typed or on (the server then turns Kerberos off). */
export function kerberosSetting(k: KerberosForm): Record<string, unknown> | null {
  const typed = [k.realm, k.serverPrincipal, k.keyTab].some((v) => v.trim());
  if (!typed && !k.allowKerberosAuthentication && !k.useKerberosForPasswordAuthentication && !k.debug) return null;
  return {
    realm: k.realm.trim(),
    serverPrincipal: k.serverPrincipal.trim(),
    keyTab: k.keyTab.trim(),
    allowKerberosAuthentication: k.allowKerberosAuthentication,
    useKerberosForPasswordAuthentication: k.useKerberosForPasswordAuthentication,
    debug: k.debug,
  };
}

type Preset = { usernameAttribute: string; uuidAttribute: string; userObjectClasses: string };

/** What a vendor presets (the server's defaults for that vendor). */
export const PRESETS: Record<"ad" | "openldap", Preset> = {
  ad: {
    usernameAttribute: "sAMAccountName",
    uuidAttribute: "objectGUID",
    userObjectClasses: "person, organizationalPerson, user",
  },
  openldap: {
    usernameAttribute: "uid",
    uuidAttribute: "entryUUID",
    userObjectClasses: "inetOrgPerson, organizationalPerson",
  },
};

/** Username attributes admins commonly use, per vendor (suggestions only). */
export const USERNAME_SUGGESTIONS: Record<Vendor, string[]> = {
  ad: ["sAMAccountName", "userPrincipalName", "mail"],
  openldap: ["uid", "mail", "cn"],
  other: ["uid", "mail", "cn", "sAMAccountName"],
};

export function newForm(name: string): LdapForm {
  return {
    name,
    vendor: "ad",
    connectionUrl: "",
    startTls: false,
    bindDn: "",
    bindCredential: "",
    usersDn: "",
    ...PRESETS.ad,
    userFilter: "",
    syncedGroups: [],
    nestedGroups: false,
    aliases: [],
    adminGroups: [],
    ...schedulesOf({}),
    ...enrollmentOf({}),
    kerberos: NO_KERBEROS,
  };
}

/** The form showing a saved directory. */
export function fromSettings(name: string, s: Record<string, unknown>): LdapForm {
  const serverVendor = text(s.vendor).toLowerCase() === "ad" ? "ad" : "openldap";
  const preset = PRESETS[serverVendor];
  const uuid = text(s.uuidAttribute) || preset.uuidAttribute;
  const classes = text(s.userObjectClasses) || preset.userObjectClasses;
  const vendor: Vendor =
    serverVendor === "openldap" && (uuid !== preset.uuidAttribute || classes !== preset.userObjectClasses)
      ? "other"
      : serverVendor;
  const aliases = list(s.mappings)
    .map((m) => m as { source?: unknown; target?: unknown })
    .map((m) => ({ slot: aliasSlot(text(m.target)), source: text(m.source) }))
    .filter((a) => a.slot > 0)
    .sort((a, b) => a.slot - b.slot);
  return {
    name,
    vendor,
    connectionUrl: text(s.connectionUrl),
    startTls: s.startTls === true,
    bindDn: text(s.bindDn),
    bindCredential: "",
    usersDn: text(s.usersDn),
    usernameAttribute: text(s.usernameAttribute) || preset.usernameAttribute,
    uuidAttribute: uuid,
    userObjectClasses: classes,
    userFilter: text(s.userFilter),
    syncedGroups: list(s.syncedGroups).map(text).filter(Boolean),
    nestedGroups: s.nestedGroups === true,
    aliases,
    adminGroups: adminGroupsOf(s.adminGroups, "dn"),
    ...schedulesOf(s),
    ...enrollmentOf(s),
    kerberos: kerberosOf(s.kerberos),
  };
}

/** The slot of a username-alias target ("alias3" -> 3), 0 for any other target. */
export function aliasSlot(target: string): number {
  const m = /^alias([1-8])$/.exec(target);
  return m ? Number(m[1]) : 0;
}

/**
 * The settings to save: the stored ones (keys the form does not edit are kept) with the form's
 * values. The bind credential is sent only when the admin typed one.
 */
export function toSettings(form: LdapForm, stored: Record<string, unknown> = {}): Record<string, unknown> {
  const s: Record<string, unknown> = { ...stored };
  const set = (key: string, value: string) => {
    if (value.trim()) s[key] = value.trim();
    else delete s[key];
  };
  s.vendor = form.vendor === "ad" ? "ad" : "openldap";
  set("connectionUrl", form.connectionUrl);
  s.startTls = form.startTls;
  set("bindDn", form.bindDn);
  delete s.bindCredential;
  if (form.bindCredential) s.bindCredential = form.bindCredential;
  set("usersDn", form.usersDn);
  set("usernameAttribute", form.usernameAttribute);
  set("uuidAttribute", form.uuidAttribute);
  set("userObjectClasses", form.userObjectClasses);
  set("userFilter", form.userFilter);
  s.syncedGroups = form.syncedGroups;
  s.nestedGroups = form.nestedGroups;
  const others = list(stored.mappings).filter(
    (m) => aliasSlot(text((m as { target?: unknown }).target)) === 0,
  );
  s.mappings = [
    ...others,
    ...form.aliases
      .filter((a) => a.source.trim())
      .map((a) => ({ source: a.source.trim(), target: `alias${a.slot}` })),
  ];
  s.adminGroups = adminGroupsSetting(form.adminGroups, "dn");
  putSchedules(s, form);
  s.enrollmentEmails = form.enrollmentEmails;
  s.enrollmentFactors = form.enrollmentFactors;
  // Kerberos is Active Directory's only: another vendor saves none (its section is hidden then).
  const kerberos = form.vendor === "ad" ? kerberosSetting(form.kerberos) : null;
  if (kerberos) s.kerberos = kerberos;
  else delete s.kerberos;
  return s;
}

/** The connection's security, read off the URL scheme and StartTLS. */
export function securityOf(form: Pick<LdapForm, "connectionUrl" | "startTls">): Security {
  if (/^ldaps:\/\//i.test(form.connectionUrl.trim())) return "ldaps";
  return form.startTls ? "starttls" : "none";
}

/** The URL and StartTLS flag for a chosen security (the scheme, and the standard port when it was the other's). */
export function withSecurity(form: LdapForm, security: Security): LdapForm {
  const url = form.connectionUrl.trim();
  const rest = url.replace(/^ldaps?:\/\//i, "");
  const ldaps = security === "ldaps";
  const port = ldaps ? rest.replace(/:389$/, ":636") : rest.replace(/:636$/, ":389");
  return { ...form, connectionUrl: `${ldaps ? "ldaps" : "ldap"}://${port}`, startTls: security === "starttls" };
}

/** The form with a vendor's presets (the username attribute only while it may change). */
export function withVendor(form: LdapForm, vendor: Vendor, usernameLocked: boolean): LdapForm {
  if (vendor === "other") return { ...form, vendor };
  const preset = PRESETS[vendor];
  return {
    ...form,
    vendor,
    uuidAttribute: preset.uuidAttribute,
    userObjectClasses: preset.userObjectClasses,
    usernameAttribute: usernameLocked ? form.usernameAttribute : preset.usernameAttribute,
  };
}

/** The lowest username-alias slot not used yet, or 0 when all 8 are. */
export function freeAliasSlot(form: LdapForm): number {
  for (let slot = 1; slot <= ALIAS_SLOTS; slot++) if (!form.aliases.some((a) => a.slot === slot)) return slot;
  return 0;
}

/** The first RDN's value of a DN ("CN=Engineering,OU=Groups,..." -> "Engineering"), for labels. */
export function rdnValue(dn: string): string {
  const first = dn.split(/(?<!\\),/)[0] ?? dn;
  const i = first.indexOf("=");
  return i < 0 ? dn : first.slice(i + 1).replace(/\\(.)/g, "$1");
}
