import { ViewHeader } from "@keycloak/keycloak-admin-ui";

// TODO(issue 12): page body
export const DirectoryDetails = () => <ViewHeader titleKey="DirectoryDetails" />;
