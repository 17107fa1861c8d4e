import { Button, FormGroup, FormSelect, FormSelectOption, InputGroup, InputGroupItem } from "@patternfly/react-core";
import { MinusCircleIcon, PlusCircleIcon } from "@patternfly/react-icons";
import { useTranslation } from "react-i18next";
import { Helper } from "./fields";
import { ADMIN_ROLES, AdminGroup } from "./settings";
import { GroupSource, SourceGroupPicker } from "./SourceGroupPicker";
import "./shared.css";

type Props = {
  /** the type id: the fields' ids and test ids start with it */
  idPrefix: string;
  rows: AdminGroup[];
  /** changes the rows; `names` are those of groups picked from the search */
  onChange: (change: (rows: AdminGroup[]) => AdminGroup[], names?: Record<string, string>) => void;
  source: GroupSource;
  readOnly: boolean;
};

/** Admin groups (rule 12): one framed row a group, picked by searching the source, and the admin role it grants. */
export const AdminGroupRows = ({ idPrefix, rows, onChange, source, readOnly }: Props) => {
  const { t } = useTranslation();
  const setRow = (i: number, change: Partial<AdminGroup>, names?: Record<string, string>) =>
    onChange((all) => all.map((x, j) => (j === i ? { ...x, ...change } : x)), names);
  return (
    <>
      {rows.map((g, i) => (
        <div key={i} className="dirsync-admin-group" data-testid={`${idPrefix}-admin-group`}>
          <FormGroup label={t("dirsyncSourceAdminGroup", { n: i + 1 })} fieldId={`${idPrefix}-admin-group-${i}`}>
            <SourceGroupPicker
              id={`${idPrefix}-admin-group-${i}`}
              ariaLabel={t("dirsyncSourceAdminGroup", { n: i + 1 })}
              source={source}
              single
              selected={g.group ? [g.group] : []}
              onChange={(ids, names) => setRow(i, { group: ids[0] ?? "" }, names)}
              readOnly={readOnly}
            />
          </FormGroup>
          <FormGroup label={t("dirsyncSourceAdminRole")} fieldId={`${idPrefix}-admin-role-${i}`}>
            <InputGroup>
              <InputGroupItem isFill>
                <FormSelect
                  id={`${idPrefix}-admin-role-${i}`}
                  data-testid={`${idPrefix}-admin-role-${i}`}
                  value={g.role}
                  isDisabled={readOnly}
                  onChange={(_e, v) => setRow(i, { role: v })}
                >
                  {ADMIN_ROLES.map((r) => (
                    <FormSelectOption key={r} value={r} label={t(`dirsyncAdminRole.${r}`)} />
                  ))}
                </FormSelect>
              </InputGroupItem>
              {!readOnly && (
                <InputGroupItem>
                  <Button
                    variant="plain"
                    aria-label={t("dirsyncSourceRemoveAdminGroup", { n: i + 1 })}
                    onClick={() => onChange((all) => all.filter((_x, j) => j !== i))}
                  >
                    <MinusCircleIcon />
                  </Button>
                </InputGroupItem>
              )}
            </InputGroup>
            <Helper text={t(`dirsyncAdminRoleHelp.${g.role}`, "")} />
          </FormGroup>
        </div>
      ))}
      {rows.length === 0 && readOnly && <span>{t("dirsyncSourceNone")}</span>}
      {!readOnly && (
        <Button
          id={`${idPrefix}-add-admin-group`}
          variant="link"
          icon={<PlusCircleIcon />}
          isInline
          data-testid={`${idPrefix}-add-admin-group`}
          onClick={() => onChange((all) => [...all, { group: "", role: "read-only" }])}
        >
          {t("dirsyncSourceAddAdminGroup")}
        </Button>
      )}
    </>
  );
};
