import type { DirectoryTabProps } from "../DirectoryDetails";
import { LdapSettings } from "../ldap/LdapSettings";
import { ScimSettings } from "../scim/ScimSettings";

/** The Settings tab: each directory type has its own form. */
export const SettingsTab = (props: DirectoryTabProps) =>
  props.directory.type === "ldap" ? <LdapSettings {...props} /> : <ScimSettings {...props} />;
