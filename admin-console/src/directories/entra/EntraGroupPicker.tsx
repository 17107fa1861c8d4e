import {
  Button,
  Chip,
  ChipGroup,
  HelperText,
  HelperTextItem,
  MenuToggle,
  Select,
  SelectList,
  SelectOption,
  Spinner,
  TextInputGroup,
  TextInputGroupMain,
  TextInputGroupUtilities,
} from "@patternfly/react-core";
import { TimesIcon } from "@patternfly/react-icons";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { EntraGroupSearch } from "../../api/dirsync";
import { OBJECT_ID } from "./model";

type Props = {
  id: string;
  /** the chosen groups' object ids */
  selected: string[];
  /** the ids chosen, and the names of those picked from the search */
  onChange: (ids: string[], names: Record<string, string>) => void;
  /** names known for object ids (picked by searching, or the directory's managed groups) */
  names: Record<string, string>;
  /** asks the tenant for groups whose name starts with the text (the server's search-groups) */
  search: (text: string) => Promise<EntraGroupSearch>;
  /** one group only (an admin group's row) */
  single?: boolean;
  readOnly?: boolean;
  ariaLabel: string;
};

/**
 * Entra ID groups chosen by searching the tenant: a typeahead that asks the server (through Graph) as the
 * admin types and shows each group's name and object id; the chosen groups are chips with their name and
 * object id. An object id pasted in full can be used even when the search cannot run.
 */
export const EntraGroupPicker = ({ id, selected, onChange, names, search, single, readOnly, ariaLabel }: Props) => {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [result, setResult] = useState<EntraGroupSearch>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const asked = useRef(0);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!open) return;
    const mine = ++asked.current;
    setLoading(true);
    const timer = setTimeout(() => {
      search(text.trim())
        .then((found) => {
          if (mine !== asked.current) return;
          setResult(found);
          setError(undefined);
        })
        .catch((e: unknown) => {
          if (mine !== asked.current) return;
          setResult(undefined);
          setError(e instanceof Error ? e.message : String(e));
        })
        .finally(() => mine === asked.current && setLoading(false));
    }, 300);
    return () => clearTimeout(timer);
  }, [open, text]);

  const choose = (objectId: string) => {
    const found = result?.groups.find((g) => g.id === objectId);
    const known = found ? { [objectId]: found.name } : {};
    if (single) {
      onChange([objectId], known);
      setOpen(false);
    } else if (!selected.includes(objectId)) {
      onChange([...selected, objectId], known);
    }
    setText("");
    input.current?.focus();
  };
  const remove = (objectId: string) =>
    onChange(
      selected.filter((s) => s !== objectId),
      {},
    );

  const label = (objectId: string) => (names[objectId] ? `${names[objectId]} (${objectId})` : objectId);
  const chips = (
    <ChipGroup numChips={10} aria-label={ariaLabel}>
      {selected.map((objectId) => (
        <Chip
          key={objectId}
          onClick={() => remove(objectId)}
          isReadOnly={readOnly}
          data-testid={`${id}-chip`}
          textMaxWidth="70ch"
        >
          {label(objectId)}
        </Chip>
      ))}
    </ChipGroup>
  );

  if (readOnly) {
    return selected.length ? chips : <span data-testid={`${id}-none`}>{t("dirsyncEntraNoGroups")}</span>;
  }

  const typedId = OBJECT_ID.test(text.trim()) ? text.trim().toLowerCase() : "";
  const groups = result?.groups ?? [];
  const listId = `${id}-list`;

  return (
    <>
      <Select
        id={`${id}-select`}
        isOpen={open}
        selected={selected}
        onSelect={(_e, value) => value && choose(String(value))}
        onOpenChange={setOpen}
        toggle={(ref) => (
          <MenuToggle ref={ref} variant="typeahead" onClick={() => setOpen(!open)} isExpanded={open} isFullWidth>
            <TextInputGroup isPlain>
              <TextInputGroupMain
                inputId={id}
                value={text}
                onClick={() => setOpen(true)}
                onChange={(_e, v) => {
                  setText(v);
                  setOpen(true);
                }}
                innerRef={input}
                autoComplete="off"
                placeholder={t(single ? "dirsyncEntraSearchGroup" : "dirsyncEntraSearchGroups")}
                role="combobox"
                isExpanded={open}
                aria-controls={listId}
                aria-label={ariaLabel}
                data-testid={`${id}-search`}
              />
              <TextInputGroupUtilities {...(text ? {} : { style: { display: "none" } })}>
                <Button variant="plain" onClick={() => setText("")} aria-label={t("dirsyncEntraClearSearch")}>
                  <TimesIcon aria-hidden />
                </Button>
              </TextInputGroupUtilities>
            </TextInputGroup>
          </MenuToggle>
        )}
      >
        <SelectList id={listId} aria-label={ariaLabel}>
          {loading && (
            <SelectOption isDisabled key="loading" value="">
              <Spinner size="sm" aria-label={t("dirsyncEntraSearching")} /> {t("dirsyncEntraSearching")}
            </SelectOption>
          )}
          {!loading &&
            groups.map((g) => (
              <SelectOption
                key={g.id}
                value={g.id}
                isSelected={selected.includes(g.id)}
                description={g.description ? `${g.id} · ${g.description}` : g.id}
                data-testid={`${id}-option`}
              >
                {g.name}
              </SelectOption>
            ))}
          {!loading && typedId && !groups.some((g) => g.id.toLowerCase() === typedId) && (
            <SelectOption key="typed" value={typedId} description={t("dirsyncEntraUseIdHelp")}>
              {t("dirsyncEntraUseId", { id: typedId })}
            </SelectOption>
          )}
          {!loading && !error && groups.length === 0 && !typedId && (
            <SelectOption isDisabled key="none" value="">
              {t("dirsyncEntraNoGroupFound")}
            </SelectOption>
          )}
          {!loading && result?.more && (
            <SelectOption isDisabled key="more" value="">
              {t("dirsyncEntraMoreGroups")}
            </SelectOption>
          )}
          {!loading && error && (
            <SelectOption isDisabled key="error" value="">
              {t("dirsyncEntraSearchFailed", { error })}
            </SelectOption>
          )}
        </SelectList>
      </Select>
      {error && !open && (
        <HelperText>
          <HelperTextItem variant="error" data-testid={`${id}-error`}>
            {t("dirsyncEntraSearchFailed", { error })}
          </HelperTextItem>
        </HelperText>
      )}
      {selected.length > 0 && <div className="pf-v5-u-mt-sm">{chips}</div>}
    </>
  );
};
