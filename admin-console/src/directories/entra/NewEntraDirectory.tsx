import { DirectoryWizard } from "../shared/DirectoryWizard";
import { EntraDirectoryForm } from "./EntraDirectoryForm";
import { EntraForm, newForm, toSettings } from "./model";

/**
 * Add a Microsoft Entra ID directory (/:realm/dirsync/directories/new/entra), as the LDAP wizard does: the
 * name the server proposes, the app registration with Test connection (each check and what it found), the
 * synced and admin groups picked by searching the tenant, the username attribute and mappings (the sources
 * the type offers), the identity provider users sign in with, the schedules. Create saves and activates it
 * (`DirectoryWizard`).
 */
export const NewEntraDirectory = () => (
  <DirectoryWizard<EntraForm>
    type="entra"
    titleKey="dirsyncEntraNewTitle"
    subKey="dirsyncEntraNewHelp"
    fallbackName="New Entra ID Directory"
    newForm={newForm}
    toSettings={toSettings}
  >
    {(w) => (
      <EntraDirectoryForm
        form={w.form}
        setForm={w.setForm}
        stored={{}}
        sources={w.typeInfo?.sources ?? []}
        readOnly={w.readOnly}
        actions={w.actions}
      />
    )}
  </DirectoryWizard>
);
