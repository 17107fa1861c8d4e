import type { DirectoryTabProps } from "../DirectoryDetails";
import { EntraSettings } from "../entra/EntraSettings";
import { LdapSettings } from "../ldap/LdapSettings";
import { ScimSettings } from "../scim/ScimSettings";

/** The Settings tab: each directory type has its own form. */
export const SettingsTab = (props: DirectoryTabProps) =>
  props.directory.type === "ldap" ? (
    <LdapSettings {...props} />
  ) : props.directory.type === "entra" ? (
    <EntraSettings {...props} />
  ) : (
    <ScimSettings {...props} />
  );
