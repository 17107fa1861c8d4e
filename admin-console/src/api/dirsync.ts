import { useAdminClient, useRealm } from "@keycloak/keycloak-admin-ui";
import { useMemo } from "react";

/**
 * The directory-sync admin REST API (/admin/realms/{realm}/dirsync), called with the console's own
 * admin token. Every page acts only through it, so the console never does what the API would refuse.
 */
export type DirectoryType = "scim" | "ldap" | "entra" | "duo-admin-api" | string;

export type RunSummary = {
  id: string;
  directoryId: string;
  kind: string;
  status: string;
  startedAt: number;
  endedAt?: number | null;
  counts: Record<string, number>;
  userCounts?: Record<string, number>;
  groupCounts?: Record<string, number>;
  errors: RunMessage[];
  warnings: RunMessage[];
  message?: string | null;
  progress?: RunProgress | null;
  /** a held run (rule 10): the users it would trash (at most 1000; counts.held says how many) */
  held?: HeldUser[];
  /** the Keycloak node that ran a pull, and when it last said the run was alive (absent for a day's pushes) */
  node?: string | null;
  heartbeatAt?: number | null;
};

/** How far a pull run is: entries read from the source, applied, failed, the page it is on (0: none read yet). */
export type RunProgress = { read: number; applied: number; failed: number; page: number; updatedAt: number };

export type HeldUser = { at: number; userId: string; username: string; message?: string | null };

/** The answer of an on-demand sync: the report when it ended at once, else (202) the id of the run going on. */
export type SyncStarted = { id: string; status: string; message?: string | null };

export type RunMessage = { at: number; subjectType: string; subject: string; message: string };

export type Directory = {
  id: string;
  type: DirectoryType;
  /** its type pulls from the source (schedules, Sync now) rather than being pushed to */
  pull: boolean;
  name: string;
  status: string;
  settings: Record<string, unknown>;
  mappedAttributes: string[];
  createdAt: number;
  firstSyncAt?: number | null;
  usernameAttributeLocked: boolean;
  userCount: number;
  trashedCount: number;
  groupCount?: number;
  lastRun?: RunSummary | null;
  ldap?: { bindCredentialStored: boolean };
  /** an Entra ID directory: whether a client secret is kept (the secret itself is never answered) */
  entra?: {
    clientSecretStored: boolean;
    clientCredential?: "secret" | "certificate";
    privateKeyStored?: boolean;
    /** the stored certificate: never its key */
    certificate?: { thumbprint: string; subject: string; notAfter: string; expired: boolean; error?: string };
  };
  scim?: {
    baseUrl: string;
    tokenStatus: string;
    tokenExpiresAt?: number | null;
    lastRequestAt?: number | null;
    connection: string;
  };
  /** a Duo Admin API directory: its API host name, the endpoint its reverse proxy points at, the integration key
   *  (never the secret key), the keys' state and expiry, the admin role of userType=admin, the connection */
  duo?: {
    apiHostname?: string | null;
    endpoint: string;
    integrationKey?: string | null;
    keysStatus: string;
    expiresAt?: number | null;
    adminRole?: string | null;
    lastRequestAt?: number | null;
    connection: string;
  };
  [key: string]: unknown;
};

export type Credentials = { baseUrl?: string; token?: string; expiresAt?: number; [key: string]: unknown };

export type Mappings = {
  required: { source: string; target: string; locked: boolean }[];
  optional: { source: string; target: string }[];
  availableSources: string[];
  availableTargets: string[];
};

export type ManagedGroup = { id: string; name?: string; sourceName: string; externalId?: string; status?: string };

export type TrashedUser = {
  userId: string;
  username: string;
  email?: string | null;
  directoryId?: string;
  directoryName?: string;
  reason: string;
  enteredAt?: number;
  deleteAfter?: number;
};

/** What a bulk trash operation did: the users done, and why each other one was left as it was. */
export type BulkResult = { succeeded: string[]; failed: { userId: string; status: number; error: string }[] };

export type PendingEnrollment = {
  id: string;
  userId: string;
  username: string;
  email: string;
  directoryId: string;
  directoryName: string;
  queuedAt: number;
  sentAt?: number | null;
  expiresAt?: number | null;
  remindersSent: number;
  nextActionAt?: number | null;
  lastError?: string | null;
  lastErrorAt?: number | null;
};

export type UserStatus = {
  id: string;
  username: string;
  status: string;
  effectiveStatus: string;
  enabled: boolean;
  directory?: { id: string; name: string; type: string } | null;
  lockedAttributes: string[];
  deleteAfter?: number;
};

export type GroupStatus = { id: string; name: string; status: string; directory?: { id: string; name: string } | null };

/** A directory type as a wizard needs it (GET /directory-types/{type}). */
export type DirectoryTypeInfo = {
  id: string;
  defaultName: string;
  pull: boolean;
  adminGroups: boolean;
  actions: string[];
  /** it has incremental pulls (only the changes since the last run): Sync now offers them */
  incremental?: boolean;
  /** the source attributes its mappings offer */
  sources?: string[];
};

/** The answer of a type's test action (LDAP test-connection, test-authentication). */
export type TestResult = { ok: boolean; message: string };

/** The answer of LDAP's search-groups action. */
export type GroupSearch = {
  base: string;
  groups: { dn: string; name: string; memberCount: number; memberCountAtLeast: boolean }[];
  more: boolean;
};

/** The answer of Entra ID's test-connection: each check (the token, one per Graph permission) and what it found. */
export type EntraTestResult = {
  ok: boolean;
  message: string;
  checks: { name: string; ok: boolean; message: string }[];
};

/** The answer of Entra ID's search-groups: the tenant's groups whose name starts with the text. */
export type EntraGroupSearch = {
  groups: { id: string; name: string; description?: string | null }[];
  more: boolean;
};

/** An error answer of the API, with the message it gave (shown to the admin as it is). */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function useDirSyncApi() {
  const { adminClient } = useAdminClient();
  const { realm } = useRealm();

  return useMemo(() => {
    const base = () =>
      `${adminClient.baseUrl.replace(/\/$/, "")}/admin/realms/${encodeURIComponent(realm)}/dirsync`;

    async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const token = await adminClient.getAccessToken();
      const response = await fetch(base() + path, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      const json = text ? safeJson(text) : undefined;
      if (!response.ok) {
        const message =
          (json && (json.errorMessage || json.error_description || json.error || json.detail)) ||
          `${response.status} ${response.statusText}`;
        throw new ApiError(response.status, String(message));
      }
      return json as T;
    }

    const q = (params: Record<string, string | number | undefined>) => {
      const s = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") s.set(k, String(v));
      const text = s.toString();
      return text ? `?${text}` : "";
    };
    const id = encodeURIComponent;

    return {
      directories: () => call<Directory[]>("GET", "/directories"),
      directory: (d: string) => call<Directory>("GET", `/directories/${id(d)}`),
      createDirectory: (body: { type: string; name: string; settings: Record<string, unknown> }) =>
        call<Directory>("POST", "/directories", body),
      updateDirectory: (d: string, body: { name?: string; settings?: Record<string, unknown> }) =>
        call<Directory>("PUT", `/directories/${id(d)}`, body),
      directoryType: (type: string) => call<DirectoryTypeInfo>("GET", `/directory-types/${id(type)}`),
      /** A directory type's read-only action on settings being typed; `directory` when editing one. */
      typeAction: <T,>(type: string, action: string, body: Record<string, unknown>, directory?: string) =>
        call<T>("POST", `/directory-types/${id(type)}/${id(action)}${q({ directory })}`, body),
      deleteDirectory: (d: string) => call<void>("DELETE", `/directories/${id(d)}`),
      pause: (d: string) => call<Directory>("POST", `/directories/${id(d)}/pause`),
      resume: (d: string) => call<Directory>("POST", `/directories/${id(d)}/resume`),
      completeSetup: (d: string) => call<Credentials & { status: string }>("POST", `/directories/${id(d)}/complete-setup`),
      regenerateToken: (d: string) => call<Credentials>("POST", `/directories/${id(d)}/token`),
      mappings: (d: string) => call<Mappings>("GET", `/directories/${id(d)}/mappings`),
      updateMappings: (d: string, optional: Mappings["optional"]) =>
        call<Mappings>("PUT", `/directories/${id(d)}/mappings`, { optional }),
      runs: (d: string, first: number, max: number) =>
        call<RunSummary[]>("GET", `/directories/${id(d)}/runs${q({ first, max })}`),
      runCount: (d: string) => call<{ count: number }>("GET", `/directories/${id(d)}/runs/count`),
      run: (d: string, run: string) => call<RunSummary>("GET", `/directories/${id(d)}/runs/${id(run)}`),
      /** wait=0: the server answers as soon as the run is open (202 + its id); the page then follows the run. */
      sync: (d: string, kind: string, username?: string) =>
        call<SyncStarted>("POST", `/directories/${id(d)}/sync?wait=0`, { kind, username }),
      confirmRun: (d: string, run: string) => call<RunSummary>("POST", `/directories/${id(d)}/runs/${id(run)}/confirm`),
      groups: (d: string) => call<ManagedGroup[]>("GET", `/directories/${id(d)}/groups`),
      removeGroup: (d: string, g: string) => call<void>("DELETE", `/directories/${id(d)}/groups/${id(g)}`),
      trash: (first: number, max: number, search?: string, directory?: string) =>
        call<{ count: number; users: TrashedUser[] }>("GET", `/trash${q({ first, max, search, directory })}`),
      trashCount: () => call<{ count: number }>("GET", "/trash/count"),
      restore: (u: string) => call<UserStatus>("POST", `/trash/${id(u)}/restore`),
      deleteForGood: (u: string) => call<void>("DELETE", `/trash/${id(u)}`),
      restoreSeveral: (userIds: string[]) => call<BulkResult>("POST", "/trash/restore", { userIds }),
      deleteSeveralForGood: (userIds: string[]) => call<BulkResult>("POST", "/trash/delete", { userIds }),
      user: (u: string) => call<UserStatus>("GET", `/users/${id(u)}`),
      setUserStatus: (u: string, status: string) => call<UserStatus>("PUT", `/users/${id(u)}/status`, { status }),
      group: (g: string) => call<GroupStatus>("GET", `/groups/${id(g)}`),
      setGroupStatus: (g: string, status: string) => call<GroupStatus>("PUT", `/groups/${id(g)}/status`, { status }),
      enrollments: (first: number, max: number, search?: string, directory?: string) =>
        call<{ count: number; enrollments: PendingEnrollment[] }>(
          "GET",
          `/enrollments${q({ first, max, search, directory })}`,
        ),
      resendEnrollment: (e: string) => call<void>("POST", `/enrollments/${id(e)}/resend`),
      resendAll: (directory?: string) =>
        call<{ sent: number; failed: number }>("POST", `/enrollments/resend-all${q({ directory })}`),
      deleteEnrollment: (e: string) => call<void>("DELETE", `/enrollments/${id(e)}`),
    };
  }, [adminClient, realm]);
}

export type DirSyncApi = ReturnType<typeof useDirSyncApi>;

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
