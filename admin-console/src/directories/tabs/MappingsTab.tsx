import { useDirSyncAccess } from "../../shell/access";
import type { DirectoryTabProps } from "../DirectoryDetails";
import { MappingEditor } from "../MappingEditor";

/** The directory's attribute mappings, editable by admins who may configure directories. */
export const MappingsTab = ({ directory, refresh }: DirectoryTabProps) => {
  const { canConfigure } = useDirSyncAccess();
  return <MappingEditor directoryId={directory.id} readOnly={!canConfigure} onSaved={refresh} />;
};
