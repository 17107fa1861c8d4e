import type { TFunction } from "i18next";
import type { ComponentType, ReactNode } from "react";
import type { Credentials, Directory } from "../../api/dirsync";

/** What a push type's own fields get, in the wizard's first step and on the Settings tab. */
export type PushFieldsProps<V> = {
  value: V;
  onChange: (value: V) => void;
  readOnly: boolean;
  /** the wizard's first step (a type may ask there for less than its Settings tab shows) */
  wizard?: boolean;
};

/** One value of a credential with a copy button; `id` is its field and test id. */
export type CredentialValue = { id: string; labelKey: string; value?: string | null };

/**
 * A push type's credential (SCIM's bearer token, Duo's integration and secret keys): its words and where its
 * state is in a directory's representation. The secret part is shown once, when issued, never again.
 */
export type PushCredential = {
  /** the Credentials tab: the values a client is configured with (copy buttons), never the secret */
  values: (directory: Directory) => CredentialValue[];
  /** the Credentials tab's secret row: its label and test id; its state and expiry come from `state` */
  secret: { id: string; labelKey: string };
  /** the credential's state, expiry, connection and last request in the directory's representation */
  state: (directory: Directory) => {
    status?: string;
    expiresAt?: number | null;
    connection?: string;
    lastRequestAt?: number | null;
  };
  /** the dialog once issued (Complete setup, Regenerate): every value, the secret included, and its expiry's test id */
  issued: (credentials: Credentials) => CredentialValue[];
  expiresId: string;
  /** Regenerate's button test id */
  regenerateId: string;
  /**
   * The prefix of the credential's message keys: `<words>CredentialsTitle`, `CredentialsOnce` (the secret is shown
   * this once), `CredentialsCopied` (the dialog's button), `Regenerate` (the button), `RegenerateTitle`,
   * `RegenerateMessage` (the confirmation).
   */
  words: string;
};

/**
 * A push type (SCIM, Duo Admin API) as its pages see it: its settings as form values, its fields, its wizard's
 * words and its credential. The shared pages (`PushDirectoryWizard`, `PushSettings`, `PushCredentials`) do the
 * rest alike; `pushPages` makes a type's registered pages of it.
 */
export type PushType<V> = {
  /** the type id the server knows */
  type: string;
  /** the test-id prefix of the type's own elements (the Settings tab's refusal: `<prefix>-save-error`) */
  prefix: string;
  /** the wizard's header, and the last step's text (what Complete setup shows) */
  newTitleKey: string;
  newHelpKey: string;
  completeHelpKey: string;
  /** the name when the server proposes none */
  fallbackName: string;
  /** the name the wizard proposes for these values until the admin types one; without it, the server's */
  proposedName?: (values: V) => string;
  /** the type's stored settings as form values (its defaults for {}), and the values to store */
  valuesOf: (settings: Record<string, unknown>) => V;
  toSettings: (values: V) => Record<string, unknown>;
  Fields: ComponentType<PushFieldsProps<V>>;
  /** the wizard asks for the type's fields before the name (SCIM: the client, whose preset names the directory) */
  fieldsFirst?: boolean;
  /** the last step's rows about the type's saved settings */
  summary: (settings: Record<string, unknown>, t: TFunction) => { label: string; value: ReactNode }[];
  credential: PushCredential;
};
