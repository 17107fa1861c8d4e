import { FormSelect, FormSelectOption } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import type { Directory } from "../api/dirsync";

/** The "All directories / one directory" filter of the realm-wide lists (Trash, Pending Enrollments). */
export const DirectoryFilter = ({
  id,
  directories,
  value,
  onChange,
}: {
  id: string;
  directories: Directory[];
  value: string;
  onChange: (directoryId: string) => void;
}) => {
  const { t } = useTranslation();
  return (
    <FormSelect
      id={id}
      data-testid="directory-filter"
      aria-label={t("dirsyncFilterByDirectory")}
      style={{ minWidth: "13rem" }}
      value={value}
      onChange={(_e, v) => onChange(v)}
    >
      <FormSelectOption value="" label={t("dirsyncAllDirectories")} />
      {directories.map((d) => (
        <FormSelectOption key={d.id} value={d.id} label={d.name} />
      ))}
    </FormSelect>
  );
};
