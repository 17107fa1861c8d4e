import "@patternfly/patternfly/patternfly-addons.css";
import "@patternfly/react-core/dist/styles/base.css";
import "@keycloak/keycloak-admin-ui/styles.css";
import "./shell/console.css";

import { KeycloakProvider } from "@keycloak/keycloak-admin-ui";
import { StrictMode } from "react";
// Keycloak's vendor react-dom (served through the console's import map) carries createRoot itself.
import * as ReactDOM from "react-dom";
import type { Root } from "react-dom/client";
import { createHashRouter, RouterProvider } from "react-router-dom";
import { environment } from "./shell/environment";
import { i18n } from "./shell/i18n";
import { ConsoleShell } from "./shell/ConsoleShell";
import { consoleRoutes } from "./routes";

await i18n.init();

const router = createHashRouter([
  {
    path: "/",
    element: (
      <KeycloakProvider environment={environment}>
        <ConsoleShell />
      </KeycloakProvider>
    ),
    children: consoleRoutes,
  },
]);

const createRoot = (ReactDOM as unknown as { createRoot: (el: Element) => Root }).createRoot;
createRoot(document.getElementById("app")!).render(
  <StrictMode>
    <RouterProvider router={router} />
  </StrictMode>,
);
