/**
 * The directory types the console offers. The server says which exist (GET /directories refuses an
 * unknown type); Entra ID joins this list when its API exists.
 */
export const DIRECTORY_TYPES = [
  { id: "scim", labelKey: "dirsyncType.scim", descriptionKey: "dirsyncTypeHelp.scim" },
  { id: "ldap", labelKey: "dirsyncType.ldap", descriptionKey: "dirsyncTypeHelp.ldap" },
] as const;
