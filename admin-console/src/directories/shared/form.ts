import { ReactNode, useState } from "react";
import { useDirSyncApi } from "../../api/dirsync";
import type { SourceGroup, SourceGroupSearch } from "./SourceGroupPicker";

/** What a pull type's form gets from the wizard and from the Settings tab. */
export type SourceFormProps<F> = {
  form: F;
  setForm: (change: (form: F) => F) => void;
  /** the stored settings of the directory being edited ({} for a new one) */
  stored: Record<string, unknown>;
  /** the directory being edited: its stored secret stands in for one not typed */
  directoryId?: string;
  usernameLocked?: boolean;
  /** no manage-realm: every field read-only, no test or add/remove buttons */
  readOnly: boolean;
  /** the form's own buttons (Create / Save, Cancel) */
  actions: ReactNode;
};

/** A setter of one field of the form. */
export const fieldOf =
  <F>(setForm: (change: (form: F) => F) => void) =>
  <K extends keyof F>(key: K) =>
  (value: F[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

/** A type action's run: which action, and its answer or the server's refusal. */
export type ActionRun<R> = { action: string; result?: R; error?: string; running: boolean };

/**
 * The type's read-only actions (its tests, its group search) on the settings as typed, with the stored secret
 * of the directory being edited (?directory=) when none is typed.
 */
export function useTypeActions<R>(type: string, settings: () => Record<string, unknown>, directoryId?: string) {
  const api = useDirSyncApi();
  const [run, setRun] = useState<ActionRun<R>>();
  const test = async (action: string) => {
    setRun({ action, running: true });
    try {
      const result = await api.typeAction<R>(type, action, { settings: settings() }, directoryId);
      setRun({ action, result, running: false });
    } catch (e) {
      setRun({ action, error: e instanceof Error ? e.message : String(e), running: false });
    }
  };
  /** the type's search-groups, each group found in the picker's terms */
  const searchGroups =
    <G>(toGroup: (group: G) => SourceGroup) =>
    (search: string): Promise<SourceGroupSearch> =>
      api
        .typeAction<{ groups: G[]; more: boolean }>(type, "search-groups", { settings: settings(), search, max: 20 }, directoryId)
        .then((found) => ({ more: found.more, groups: found.groups.map(toGroup) }));
  return { run, test, searchGroups };
}
