/**
 * The directory types the console offers. The server says which exist (GET /directories refuses an
 * unknown type); Entra ID joins this list when its API exists.
 */
export const DIRECTORY_TYPES = [
  { id: "scim", labelKey: "dirsyncType.scim", descriptionKey: "dirsyncTypeHelp.scim" },
  { id: "ldap", labelKey: "dirsyncType.ldap", descriptionKey: "dirsyncTypeHelp.ldap" },
] as const;

/** SCIM clients the wizard knows: the name it proposes and what the provider calls the token. */
export const SCIM_PRESETS = [
  { id: "okta", label: "Okta", name: "New Okta SCIM Integration" },
  { id: "entra", label: "Microsoft Entra ID", name: "New Entra ID SCIM Integration" },
  { id: "onelogin", label: "OneLogin", name: "New OneLogin SCIM Integration" },
  { id: "pingone", label: "PingOne", name: "New PingOne SCIM Integration" },
  { id: "generic", label: "Generic SCIM 2.0 client", name: "New SCIM Integration" },
] as const;
