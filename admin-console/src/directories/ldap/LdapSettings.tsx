import type { DirectoryTabProps } from "../DirectoryDetails";

// Placeholder: the LDAP / Active Directory settings form. Being built (issue 12).
export const LdapSettings = (_: DirectoryTabProps) => null;
