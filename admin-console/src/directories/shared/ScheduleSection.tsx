import { FormSection } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import { SwitchField, TextField } from "./fields";
import { Schedules } from "./settings";

/**
 * A pull directory's schedules (engine/PullScheduler): full sync, incremental sync (when the form has it:
 * a type with incremental pulls), admin sync, and pausing them.
 */
export const ScheduleSection = <F extends Schedules>({
  idPrefix,
  form,
  setForm,
  readOnly,
}: {
  /** the type id: the fields' ids and test ids start with it */
  idPrefix: string;
  form: F;
  setForm: (change: (form: F) => F) => void;
  readOnly: boolean;
}) => {
  const { t } = useTranslation();
  const field =
    <K extends keyof Schedules>(key: K) =>
    (value: Schedules[K]) =>
      setForm((f) => ({ ...f, [key]: value }));
  return (
    <FormSection title={t("dirsyncSourceSchedules")} titleElement="h2">
      <TextField
        id={`${idPrefix}-full-sync`}
        type="number"
        label={t("dirsyncSourceFullSyncMinutes")}
        help={t("dirsyncSourceFullSyncMinutesHelp")}
        value={form.fullSyncMinutes}
        onChange={field("fullSyncMinutes")}
        readOnly={readOnly}
      />
      {form.incrementalSyncMinutes !== undefined && (
        <TextField
          id={`${idPrefix}-incremental-sync`}
          type="number"
          label={t("dirsyncSourceIncrementalSyncMinutes")}
          help={t("dirsyncSourceIncrementalSyncMinutesHelp")}
          value={form.incrementalSyncMinutes}
          onChange={field("incrementalSyncMinutes")}
          readOnly={readOnly}
        />
      )}
      <TextField
        id={`${idPrefix}-admin-sync`}
        type="number"
        label={t("dirsyncSourceAdminSyncMinutes")}
        help={t("dirsyncSourceAdminSyncMinutesHelp")}
        value={form.adminSyncMinutes}
        onChange={field("adminSyncMinutes")}
        readOnly={readOnly}
      />
      <SwitchField
        id={`${idPrefix}-schedule-paused`}
        label={t("dirsyncSourceSchedulePaused")}
        checked={form.schedulePaused}
        onChange={field("schedulePaused")}
        readOnly={readOnly}
      />
    </FormSection>
  );
};
