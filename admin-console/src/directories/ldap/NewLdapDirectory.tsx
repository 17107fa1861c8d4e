import { DirectoryWizard } from "../shared/DirectoryWizard";
import { LdapDirectoryForm } from "./LdapDirectoryForm";
import { LdapForm, newForm, toSettings } from "./model";

/**
 * Add an LDAP / Active Directory directory (/:realm/dirsync/directories/new/ldap): the name the server
 * proposes, the connection with its tests, groups picked by searching the directory; Create saves and
 * activates it (`DirectoryWizard`).
 */
export const NewLdapDirectory = () => (
  <DirectoryWizard<LdapForm>
    type="ldap"
    titleKey="dirsyncLdapNewTitle"
    subKey="dirsyncLdapNewHelp"
    fallbackName="New LDAP Directory"
    newForm={newForm}
    toSettings={toSettings}
  >
    {(w) => <LdapDirectoryForm form={w.form} setForm={w.setForm} stored={{}} readOnly={w.readOnly} actions={w.actions} />}
  </DirectoryWizard>
);
