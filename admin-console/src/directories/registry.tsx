import type { ComponentType } from "react";
import type { DirectoryTabProps } from "./DirectoryDetails";
import { DUO } from "./duo/duo";
import { EntraSettings } from "./entra/EntraSettings";
import { NewEntraDirectory } from "./entra/NewEntraDirectory";
import { LdapSettings } from "./ldap/LdapSettings";
import { NewLdapDirectory } from "./ldap/NewLdapDirectory";
import { SCIM } from "./scim/scim";
import { pushPages } from "./shared/pushPages";

/** A directory type's own pages: its "Add directory" wizard, its Settings tab, and a push type's Credentials tab. */
export type DirectoryPages = {
  wizard: ComponentType;
  settings: ComponentType<DirectoryTabProps>;
  credentials?: ComponentType<DirectoryTabProps>;
};

/**
 * Each type registers its pages here, under its type id (the only place the console names types for pages);
 * which tabs a directory has is decided by its pull flag (DirectoryDetails). The push types' pages are the shared
 * ones (`shared/pushPages`) on each type's terms.
 */
const PAGES: Record<string, DirectoryPages> = {
  scim: pushPages(SCIM),
  ldap: { wizard: NewLdapDirectory, settings: LdapSettings },
  entra: { wizard: NewEntraDirectory, settings: EntraSettings },
  "duo-admin-api": pushPages(DUO),
};

/** The pages of a type; SCIM's for a type this console does not know (as before types registered pages). */
export const pagesOf = (type: string | undefined): DirectoryPages => PAGES[type ?? ""] ?? PAGES.scim;
