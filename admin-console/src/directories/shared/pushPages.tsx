import type { DirectoryTabProps } from "../DirectoryDetails";
import type { DirectoryPages } from "../registry";
import type { PushType } from "./push";
import { PushCredentials } from "./PushCredentials";
import { PushDirectoryWizard } from "./PushDirectoryWizard";
import { PushSettings } from "./PushSettings";

/** A push type's pages for the registry: the shared wizard, Settings and Credentials tabs on the type's terms. */
export function pushPages<V>(kind: PushType<V>): DirectoryPages {
  return {
    wizard: () => <PushDirectoryWizard kind={kind} />,
    settings: (props: DirectoryTabProps) => <PushSettings {...props} kind={kind} />,
    credentials: (props: DirectoryTabProps) => <PushCredentials {...props} kind={kind.credential} />,
  };
}
