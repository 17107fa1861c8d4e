import { useFetch } from "@keycloak/keycloak-ui-shared";
import { Alert, Button, PageSection } from "@patternfly/react-core";
import { LockIcon } from "@patternfly/react-icons";
import { ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { ApiError, GroupStatus, UserStatus, useDirSyncApi } from "../api/dirsync";

/** Keycloak's user page with, above it, the directory that owns the user (when one does). */
export const withUserDirectoryPanel = (page: ReactNode) => (
  <>
    <UserDirectoryPanel />
    {page}
  </>
);

/** Keycloak's group pages with, above them, the directory that manages the group (when one does). */
export const withGroupDirectoryPanel = (page: ReactNode) => (
  <>
    <GroupDirectoryPanel />
    {page}
  </>
);

const UserDirectoryPanel = () => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { realm, id } = useParams();
  const [user, setUser] = useState<UserStatus>();
  useFetch(
    () => (id ? api.user(id).catch(ignoreMissing) : Promise.resolve(undefined)),
    (u) => setUser(u ?? undefined),
    [id],
  );
  if (!user?.directory) return null;
  return (
    <PageSection variant="light" padding={{ default: "noPadding" }} className="pf-v5-u-px-lg pf-v5-u-pt-md">
      <Alert
        variant="info"
        isInline
        data-testid="user-directory-panel"
        title={
          <>
            {t("dirsyncUserOwnedBy")}{" "}
            <Link to={`/${encodeURIComponent(realm!)}/dirsync/directories/${user.directory.id}/settings`}>
              {user.directory.name}
            </Link>
          </>
        }
      >
        <LockIcon /> {t("dirsyncLockedFields")}: <span data-testid="locked-fields">{user.lockedAttributes.join(", ")}</span>
        <br />
        {t("dirsyncUserStatus")}: <span data-testid="user-status">{user.status}</span>
      </Alert>
    </PageSection>
  );
};

const GroupDirectoryPanel = () => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const params = useParams();
  const { realm } = params;
  // Keycloak's group route ends in "*": the last segment is the group shown.
  const groupId = (params["*"] ?? "").split("/").filter(Boolean).pop();
  const [group, setGroup] = useState<GroupStatus>();
  useFetch(
    () => (groupId ? api.group(groupId).catch(ignoreMissing) : Promise.resolve(undefined)),
    (g) => setGroup(g ?? undefined),
    [groupId],
  );
  if (!group?.directory) return null;
  return (
    <PageSection variant="light" padding={{ default: "noPadding" }} className="pf-v5-u-px-lg pf-v5-u-pt-md">
      <Alert
        variant="info"
        isInline
        data-testid="group-directory-panel"
        title={
          <>
            {t("dirsyncGroupManagedBy")}{" "}
            <Button variant="link" isInline component={(props: any) => <Link {...props} to={`/${encodeURIComponent(realm!)}/dirsync/directories/${group.directory!.id}/groups`} />}>
              {group.directory.name}
            </Button>{" "}
            ({t("dirsyncGroupStatus")}: {group.status})
          </>
        }
      />
    </PageSection>
  );
};

/** A user or group the API does not know (404) simply has no panel. */
const ignoreMissing = (e: unknown) => {
  if (e instanceof ApiError && e.status === 404) return undefined;
  throw e;
};
