import type { ComponentType } from "react";
import type { DirectoryTabProps } from "./DirectoryDetails";
import { DuoCredentials } from "./duo/DuoCredentials";
import { DuoSettings } from "./duo/DuoSettings";
import { NewDuoDirectory } from "./duo/NewDuoDirectory";
import { EntraSettings } from "./entra/EntraSettings";
import { NewEntraDirectory } from "./entra/NewEntraDirectory";
import { LdapSettings } from "./ldap/LdapSettings";
import { NewLdapDirectory } from "./ldap/NewLdapDirectory";
import { NewScimDirectory } from "./scim/NewScimDirectory";
import { ScimCredentials } from "./scim/ScimCredentials";
import { ScimSettings } from "./scim/ScimSettings";

/** A directory type's own pages: its "Add directory" wizard, its Settings tab, and a push type's Credentials tab. */
export type DirectoryPages = {
  wizard: ComponentType;
  settings: ComponentType<DirectoryTabProps>;
  credentials?: ComponentType<DirectoryTabProps>;
};

/**
 * Each type registers its pages here, under its type id (the only place the console names types for pages);
 * which tabs a directory has is decided by its pull flag (DirectoryDetails).
 */
const PAGES: Record<string, DirectoryPages> = {
  scim: { wizard: NewScimDirectory, settings: ScimSettings, credentials: ScimCredentials },
  ldap: { wizard: NewLdapDirectory, settings: LdapSettings },
  entra: { wizard: NewEntraDirectory, settings: EntraSettings },
  "duo-admin-api": { wizard: NewDuoDirectory, settings: DuoSettings, credentials: DuoCredentials },
};

/** The pages of a type; SCIM's for a type this console does not know (as before types registered pages). */
export const pagesOf = (type: string | undefined): DirectoryPages => PAGES[type ?? ""] ?? PAGES.scim;
