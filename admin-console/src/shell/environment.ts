import type { AdminEnvironment } from "@keycloak/keycloak-admin-ui";
import { getInjectedEnvironment } from "@keycloak/keycloak-ui-shared";

/** What Keycloak's admin index.ftl injects into the page (server, realm, console URLs). */
export const environment = getInjectedEnvironment<AdminEnvironment>();
