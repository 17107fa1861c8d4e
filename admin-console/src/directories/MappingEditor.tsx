import { KeycloakSpinner, useAlerts, useFetch } from "@keycloak/keycloak-ui-shared";
import {
  ActionGroup,
  Alert,
  Button,
  FormSelect,
  FormSelectOption,
  TextInput,
} from "@patternfly/react-core";
import { LockIcon, MinusCircleIcon, PlusCircleIcon } from "@patternfly/react-icons";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { MutableRefObject, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Mappings, useDirSyncApi } from "../api/dirsync";

/** The Keycloak attributes a mapping can always write: the eight username aliases (rule 3). */
const ALIASES = Array.from({ length: 8 }, (_, i) => `alias${i + 1}`);
/** The choice that asks for a new user-profile attribute's name. */
const NEW_ATTRIBUTE = "\u0000new";

type Row = { source: string; target: string; newTarget?: boolean };

/**
 * The mapping editor (SPEC §3.1): the type's required mappings, locked; the admin's optional ones,
 * added and removed, each from a source the type offers to a Keycloak attribute, a username alias,
 * or a new user-profile attribute (the server adds it to the realm's user profile).
 */
export const MappingEditor = ({
  directoryId,
  readOnly,
  onSaved,
  saveRef,
}: {
  directoryId: string;
  readOnly: boolean;
  onSaved?: () => void;
  /** In a wizard: no Save button; the wizard's Next calls the save put here. */
  saveRef?: MutableRefObject<(() => Promise<void>) | undefined>;
}) => {
  const { t } = useTranslation();
  const api = useDirSyncApi();
  const { addAlert, addError } = useAlerts();
  const [mappings, setMappings] = useState<Mappings>();
  const [rows, setRows] = useState<Row[]>([]);
  const [saving, setSaving] = useState(false);

  useFetch(
    () => api.mappings(directoryId),
    (m) => {
      setMappings(m);
      setRows(m.optional.map((o) => ({ ...o })));
    },
    [directoryId],
  );
  useEffect(() => {
    if (saveRef) saveRef.current = () => send(false);
  });
  if (!mappings) return <KeycloakSpinner />;

  const targets = [...new Set([...mappings.availableTargets, ...ALIASES])];
  const update = (i: number, row: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...row } : r)));
  const incomplete = rows.some((r) => !r.source.trim() || !r.target.trim());

  /** Saves the optional mappings; in a wizard a refusal is thrown to the wizard, which stays on the step. */
  const send = async (alert: boolean) => {
    const complete = rows.filter((r) => r.source.trim() || r.target.trim());
    if (complete.some((r) => !r.source.trim() || !r.target.trim())) {
      throw new Error(t("dirsyncMappingIncomplete"));
    }
    const saved = await api.updateMappings(
      directoryId,
      complete.map(({ source, target }) => ({ source: source.trim(), target: target.trim() })),
    );
    setMappings(saved);
    setRows(saved.optional.map((o) => ({ ...o })));
    if (alert) addAlert(t("dirsyncMappingsSaved"));
    onSaved?.();
  };
  const save = async () => {
    setSaving(true);
    try {
      await send(true);
    } catch (e) {
      addError("dirsyncError", e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <Alert variant="warning" isInline title={t("dirsyncMappingsOverwrite")} className="pf-v5-u-mb-md" />
      <Table aria-label={t("dirsyncMappings")} variant="compact" data-testid="mapping-table">
        <Thead>
          <Tr>
            <Th>{t("dirsyncMappingSource")}</Th>
            <Th>{t("dirsyncMappingTarget")}</Th>
            <Th screenReaderText={t("dirsyncActions")} />
          </Tr>
        </Thead>
        <Tbody>
          {mappings.required.map((m) => (
            <Tr key={`required-${m.target}`} data-testid="required-mapping">
              <Td dataLabel={t("dirsyncMappingSource")}>{m.source}</Td>
              <Td dataLabel={t("dirsyncMappingTarget")}>{m.target}</Td>
              <Td>
                <LockIcon aria-label={t("dirsyncMappingRequired")} /> {t("dirsyncMappingRequired")}
              </Td>
            </Tr>
          ))}
          {rows.map((row, i) => (
            <Tr key={`optional-${i}`} data-testid="optional-mapping">
              <Td dataLabel={t("dirsyncMappingSource")}>
                <TextInput
                  aria-label={t("dirsyncMappingSource")}
                  data-testid={`mapping-source-${i}`}
                  value={row.source}
                  list="dirsync-mapping-sources"
                  isDisabled={readOnly}
                  onChange={(_e, v) => update(i, { source: v })}
                />
              </Td>
              <Td dataLabel={t("dirsyncMappingTarget")}>
                {row.newTarget ? (
                  <TextInput
                    aria-label={t("dirsyncMappingNewTarget")}
                    data-testid={`mapping-target-${i}`}
                    placeholder={t("dirsyncMappingNewTarget")}
                    value={row.target}
                    isDisabled={readOnly}
                    onChange={(_e, v) => update(i, { target: v })}
                  />
                ) : (
                  <FormSelect
                    aria-label={t("dirsyncMappingTarget")}
                    data-testid={`mapping-target-${i}`}
                    value={row.target}
                    isDisabled={readOnly}
                    onChange={(_e, v) =>
                      v === NEW_ATTRIBUTE ? update(i, { target: "", newTarget: true }) : update(i, { target: v })
                    }
                  >
                    <FormSelectOption value="" label={t("dirsyncMappingChooseTarget")} isPlaceholder />
                    {targets.map((target) => (
                      <FormSelectOption
                        key={target}
                        value={target}
                        label={target.startsWith("alias") ? t("dirsyncAliasLabel", { n: target.slice(5) }) : target}
                      />
                    ))}
                    {!targets.includes(row.target) && row.target && (
                      <FormSelectOption value={row.target} label={row.target} />
                    )}
                    <FormSelectOption value={NEW_ATTRIBUTE} label={t("dirsyncMappingNewTargetOption")} />
                  </FormSelect>
                )}
              </Td>
              <Td>
                {!readOnly && (
                  <Button
                    variant="plain"
                    aria-label={t("dirsyncMappingRemove")}
                    data-testid={`mapping-remove-${i}`}
                    onClick={() => setRows(rows.filter((_, j) => j !== i))}
                  >
                    <MinusCircleIcon />
                  </Button>
                )}
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <datalist id="dirsync-mapping-sources">
        {mappings.availableSources.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      {!readOnly && (
        <>
          <Button
            variant="link"
            icon={<PlusCircleIcon />}
            data-testid="mapping-add"
            onClick={() => setRows([...rows, { source: "", target: "" }])}
          >
            {t("dirsyncMappingAdd")}
          </Button>
          {!saveRef && (
            <ActionGroup className="pf-v5-u-mt-md">
              <Button data-testid="mapping-save" onClick={save} isDisabled={incomplete || saving} isLoading={saving}>
                {t("save")}
              </Button>
            </ActionGroup>
          )}
        </>
      )}
    </>
  );
};
