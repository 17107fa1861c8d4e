import { ViewHeader } from "@keycloak/keycloak-admin-ui";

// TODO(issue 12): page body
export const NewDirectory = () => <ViewHeader titleKey="NewDirectory" />;
