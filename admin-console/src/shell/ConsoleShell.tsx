import {
  AdminClientProvider,
  AppContexts,
  ErrorRenderer,
  ForbiddenSection,
  Header,
  PageBreadCrumbs,
  useAccess,
} from "@keycloak/keycloak-admin-ui";
import {
  AlertProvider,
  ErrorBoundaryFallback,
  ErrorBoundaryProvider,
  KeycloakSpinner,
  mainPageContentId,
} from "@keycloak/keycloak-ui-shared";
import { Page } from "@patternfly/react-core";
import type { AccessType } from "@keycloak/keycloak-admin-client/lib/defs/whoAmIRepresentation";
import { PropsWithChildren, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { Outlet, useMatches } from "react-router-dom";
import { ConsoleNav } from "./ConsoleNav";

/**
 * Keycloak's console frame (header, realm selector, breadcrumbs and Keycloak's contexts) around our
 * navigation, built from the same exported parts as Keycloak's own App, so every Keycloak page
 * looks and works as before.
 *
 * The admin-ui package bundles its own copies of @keycloak/keycloak-ui-shared and PatternFly, so
 * their React contexts are not ours: our pages get ui-shared's error boundary and alerts from the
 * providers below, and the header's navigation toggle (wired to the package's PatternFly) is
 * bridged to our Page by useNavToggle.
 */
export const ConsoleShell = () => {
  const [navOpen, onPageResize] = useNavToggle();
  return (
    <AdminClientProvider>
      <AppContexts>
        <ErrorBoundaryProvider>
          <AlertProvider>
            <Page
              header={<Header />}
              sidebar={<ConsoleNav isOpen={navOpen} />}
              onPageResize={onPageResize}
              breadcrumb={<PageBreadCrumbs />}
              mainContainerId={mainPageContentId}
            >
              <ErrorBoundaryFallback fallback={ErrorRenderer}>
                <Suspense fallback={<KeycloakSpinner />}>
                  <RouteAccess>
                    <Outlet />
                  </RouteAccess>
                </Suspense>
              </ErrorBoundaryFallback>
            </Page>
          </AlertProvider>
        </ErrorBoundaryProvider>
      </AppContexts>
    </AdminClientProvider>
  );
};

/**
 * Opens and closes the navigation when the header's toggle button is pressed, and when the window
 * crosses PatternFly's mobile breakpoint (closed on a phone, open on a desktop). PatternFly reports
 * every resize of the page, content reflow included, so only a crossing may override the admin's
 * own choice: reopening on any resize undid a toggle that landed while the page was still settling.
 */
function useNavToggle(): [boolean, (event: unknown, size: { mobileView: boolean }) => void] {
  const [open, setOpen] = useState(true);
  const lastMobileView = useRef<boolean | undefined>(undefined);
  const onPageResize = useCallback((_event: unknown, { mobileView }: { mobileView: boolean }) => {
    if (mobileView !== lastMobileView.current) {
      lastMobileView.current = mobileView;
      setOpen(!mobileView);
    }
  }, []);
  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      if ((event.target as Element | null)?.closest?.(".pf-v5-c-masthead__toggle button")) {
        setOpen((value) => !value);
      }
    };
    document.addEventListener("click", onClick);
    return () => document.removeEventListener("click", onClick);
  }, []);
  // The button's own aria-expanded comes from the package's PatternFly context: keep it true to the state.
  useEffect(() => {
    document.querySelector(".pf-v5-c-masthead__toggle button")?.setAttribute("aria-expanded", String(open));
  });
  return [open, onPageResize];
}

/** A page shows only to an admin holding every role its route names (as Keycloak's console does). */
const RouteAccess = ({ children }: PropsWithChildren) => {
  const { hasAccess } = useAccess();
  const needed = useMatches().flatMap(({ handle }) => {
    const access = (handle as { access?: AccessType | AccessType[] } | undefined)?.access;
    return access === undefined ? [] : Array.isArray(access) ? access : [access];
  });
  return hasAccess(...needed) ? children : <ForbiddenSection permissionNeeded={needed} />;
};
