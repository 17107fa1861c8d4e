import { useAlerts, useFetch } from "@keycloak/keycloak-ui-shared";
import {
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  FormSelect,
  FormSelectOption,
  Label,
  LabelGroup,
  PageSection,
} from "@patternfly/react-core";
import { LockIcon } from "@patternfly/react-icons";
import { ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { ApiError, GroupStatus, UserStatus, useDirSyncApi } from "../api/dirsync";
import { useDirSyncAccess } from "../shell/access";
import { formatTime } from "../shell/format";
import { StatusLabel } from "../shell/StatusLabel";

/** The statuses an admin may set (rule 11); pending deletion comes only from the trash. */
const SETTABLE = ["active", "bypass", "disabled"] as const;

/** Keycloak's user page with, above it, the user's directory-sync panel. */
export const withUserDirectoryPanel = (page: ReactNode) => (
  <>
    <UserDirectoryPanel />
    {page}
  </>
);

/** Keycloak's group pages with, above them, the group's directory-sync panel. */
export const withGroupDirectoryPanel = (page: ReactNode) => (
  <>
    <GroupDirectoryPanel />
    {page}
  </>
);

const directoryLink = (realm: string, id: string, tab = "settings") =>
  `/${encodeURIComponent(realm)}/dirsync/directories/${id}/${tab}`;

/**
 * The owning directory (linked), the fields it sets (read-only on Keycloak's form below: the server
 * refuses edits to them), and the user's status, settable by admins with manage-users.
 */
const UserDirectoryPanel = () => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { realm, id } = useParams();
  const { addAlert, addError } = useAlerts();
  const { canManageUsers } = useDirSyncAccess();
  const [user, setUser] = useState<UserStatus>();
  useFetch(() => (id ? api.user(id).catch(ignoreMissing) : Promise.resolve(undefined)), (u) => setUser(u ?? undefined), [id]);
  useLockedInputs(user?.directory ? user.lockedAttributes : [], LOCKED_NOTE_ID);
  if (!user) return null;

  const trashed = user.status === "pending deletion";
  const setStatus = async (status: string) => {
    try {
      setUser(await api.setUserStatus(user.id, status));
      addAlert(t("dirsyncUserStatusSaved", { status }));
    } catch (e) {
      addError("dirsyncError", e);
    }
  };

  return (
    <PageSection variant="light" className="pf-v5-u-pb-0" data-testid="user-directory-panel" aria-label={t("dirsyncUserPanel")}>
      <DescriptionList isHorizontal isCompact columnModifier={{ default: "1Col", lg: "3Col" }}>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("dirsyncOwnedBy")}</DescriptionListTerm>
          <DescriptionListDescription data-testid="user-directory">
            {user.directory ? (
              <Link to={directoryLink(realm!, user.directory.id)}>{user.directory.name}</Link>
            ) : (
              t("dirsyncNotManaged")
            )}
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("dirsyncUserStatus")}</DescriptionListTerm>
          <DescriptionListDescription>
            {trashed || !canManageUsers ? (
              <span data-testid="user-status">
                <StatusLabel status={user.status} />
                {trashed && user.deleteAfter && (
                  <>
                    {" "}
                    <Link to={`/${encodeURIComponent(realm!)}/dirsync/trash`}>
                      {t("dirsyncDeletedOn", { time: formatTime(user.deleteAfter) })}
                    </Link>
                  </>
                )}
              </span>
            ) : (
              <FormSelect
                aria-label={t("dirsyncUserStatus")}
                data-testid="user-status-select"
                value={user.status}
                onChange={(_e, v) => setStatus(v)}
              >
                {SETTABLE.map((s) => (
                  <FormSelectOption key={s} value={s} label={t(`dirsyncStatus.${s}`)} />
                ))}
              </FormSelect>
            )}
            {user.effectiveStatus !== user.status && (
              <span className="pf-v5-u-ml-sm" data-testid="effective-status">
                {t("dirsyncEffectiveStatus", { status: user.effectiveStatus })}
              </span>
            )}
          </DescriptionListDescription>
        </DescriptionListGroup>
        {user.directory && (
          <DescriptionListGroup>
            <DescriptionListTerm>
              <LockIcon /> {t("dirsyncLockedFields")}
            </DescriptionListTerm>
            <DescriptionListDescription>
              <span id={LOCKED_NOTE_ID} className="pf-v5-u-screen-reader">
                {t("dirsyncLockedNote", { directory: user.directory.name })}
              </span>
              <LabelGroup numLabels={8} data-testid="locked-fields">
                {user.lockedAttributes.map((a) => (
                  <Label key={a} icon={<LockIcon />} isCompact>
                    {a === "*" ? t("dirsyncAllFields") : a}
                  </Label>
                ))}
              </LabelGroup>
            </DescriptionListDescription>
          </DescriptionListGroup>
        )}
      </DescriptionList>
    </PageSection>
  );
};

/** The directory managing the group (linked), and the group's status, settable by admins with manage-users. */
const GroupDirectoryPanel = () => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const params = useParams();
  const { realm } = params;
  const { addAlert, addError } = useAlerts();
  const { canManageUsers } = useDirSyncAccess();
  // "/groups/{id}" names the group; "/groups/*" is the path of a nested group: its last id is the one shown.
  const groupId = params.id ?? (params["*"] ?? "").split("/").filter(Boolean).pop();
  const [group, setGroup] = useState<GroupStatus>();
  useFetch(
    () => (groupId ? api.group(groupId).catch(ignoreMissing) : Promise.resolve(undefined)),
    (g) => setGroup(g ?? undefined),
    [groupId],
  );
  if (!group) return null;

  const setStatus = async (status: string) => {
    try {
      setGroup(await api.setGroupStatus(group.id, status));
      addAlert(t("dirsyncGroupStatusSaved", { status }));
    } catch (e) {
      addError("dirsyncError", e);
    }
  };

  return (
    <PageSection variant="light" className="pf-v5-u-pb-0" data-testid="group-directory-panel" aria-label={t("dirsyncGroupPanel")}>
      <DescriptionList isHorizontal isCompact columnModifier={{ default: "1Col", lg: "2Col" }}>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("dirsyncManagedBy")}</DescriptionListTerm>
          <DescriptionListDescription data-testid="group-directory">
            {group.directory ? (
              <Link to={directoryLink(realm!, group.directory.id, "groups")}>{group.directory.name}</Link>
            ) : (
              t("dirsyncNotManaged")
            )}
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("dirsyncGroupStatus")}</DescriptionListTerm>
          <DescriptionListDescription>
            {canManageUsers ? (
              <FormSelect
                aria-label={t("dirsyncGroupStatus")}
                data-testid="group-status-select"
                value={group.status}
                onChange={(_e, v) => setStatus(v)}
              >
                {SETTABLE.map((s) => (
                  <FormSelectOption key={s} value={s} label={t(`dirsyncStatus.${s}`)} />
                ))}
              </FormSelect>
            ) : (
              <StatusLabel status={group.status} />
            )}
          </DescriptionListDescription>
        </DescriptionListGroup>
      </DescriptionList>
    </PageSection>
  );
};

const LOCKED_NOTE_ID = "dirsync-locked-note";

/**
 * Makes the inputs of Keycloak's user form that the directory sets read-only, with a lock (CSS class
 * dirsync-locked) and a description naming the directory, so an admin sees before saving what the
 * server would refuse (rule 4). Keycloak's form names its inputs after the attributes; "*" (a user in
 * the trash) locks them all. Only attributes are set: the form's nodes stay React's.
 */
function useLockedInputs(locked: string[], noteId: string) {
  const key = locked.join(",");
  useEffect(() => {
    if (!key) return;
    const names = key.split(",");
    const all = names.includes("*");
    const lock = () => {
      document
        .querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(
          "#kc-main-content-page-container form input[name], #kc-main-content-page-container form textarea[name]",
        )
        .forEach((input) => {
          const attribute = input.name.replace(/^attributes\./, "");
          if (input.type === "checkbox" || input.classList.contains("dirsync-locked")) return;
          if (all || names.includes(attribute)) {
            input.readOnly = true;
            input.classList.add("dirsync-locked");
            input.setAttribute("aria-readonly", "true");
            input.setAttribute("aria-describedby", noteId);
          }
        });
    };
    lock();
    const observer = new MutationObserver(lock);
    observer.observe(document.body, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [key, noteId]);
}

/** A user or group the API does not know (404) simply has no panel. */
const ignoreMissing = (e: unknown) => {
  if (e instanceof ApiError && e.status === 404) return undefined;
  throw e;
};
