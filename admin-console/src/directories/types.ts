/**
 * The directory types the console offers. The server says which exist (GET /directories refuses an
 * unknown type).
 */
export const DIRECTORY_TYPES = [
  { id: "scim", labelKey: "dirsyncType.scim", descriptionKey: "dirsyncTypeHelp.scim" },
  { id: "ldap", labelKey: "dirsyncType.ldap", descriptionKey: "dirsyncTypeHelp.ldap" },
  { id: "entra", labelKey: "dirsyncType.entra", descriptionKey: "dirsyncTypeHelp.entra" },
  { id: "duo-admin-api", labelKey: "dirsyncType.duo-admin-api", descriptionKey: "dirsyncTypeHelp.duo-admin-api" },
] as const;
