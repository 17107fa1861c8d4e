// Placeholder: the LDAP / Active Directory wizard. Being built (issue 12).
export const NewLdapDirectory = () => null;
