import type { DirectoryTabProps } from "../DirectoryDetails";
import { pagesOf } from "../registry";

/** The Credentials tab of a push directory: its type's page (the SCIM token, the Duo keys). */
export const CredentialsTab = (props: DirectoryTabProps) => {
  const Credentials = pagesOf(props.directory.type).credentials;
  return Credentials ? <Credentials {...props} /> : null;
};
