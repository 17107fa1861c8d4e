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

/** A group found in the source: its id (an LDAP DN, an Entra object id), name and what the list shows under it. */
export type SourceGroup = { id: string; name: string; description: string };

/** What the server's search-groups found, in the picker's terms. */
export type SourceGroupSearch = { groups: SourceGroup[]; more: boolean };

/**
 * How a type's groups are searched and named. `typedId` reads a group id typed in full (or "" for a name
 * being typed), so that a group can be picked when the search cannot run (e.g. before the credential is
 * typed); `names` labels the chips of known ids. The message keys are the type's own words (directory, tenant).
 */
export type GroupSource = {
  search: (text: string) => Promise<SourceGroupSearch>;
  typedId: (text: string) => string;
  names?: Record<string, string>;
  chipMaxWidth: string;
  keys: {
    /** the placeholder of a picker of several groups */
    searchGroups: string;
    searching: string;
    /** "Use {{id}}", and its description */
    useTyped: string;
    useTypedHelp: string;
    /** the search's refusal, with {{error}} */
    searchFailed: string;
  };
};

type Props = {
  id: string;
  ariaLabel: string;
  source: GroupSource;
  /** the chosen groups' ids */
  selected: string[];
  /** the ids chosen, and the names of those picked from the search */
  onChange: (ids: string[], names: Record<string, string>) => void;
  /** one group only (an admin group's row) */
  single?: boolean;
  readOnly?: boolean;
};

/**
 * Groups chosen by searching the source: a typeahead that asks the server as the admin types and shows each
 * group's name and description; the chosen groups are chips showing their id (with the name when known).
 */
export const SourceGroupPicker = ({ id, ariaLabel, source, selected, onChange, single, readOnly }: Props) => {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [result, setResult] = useState<SourceGroupSearch>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const asked = useRef(0);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!open) return;
    const mine = ++asked.current;
    setLoading(true);
    const timer = setTimeout(() => {
      source
        .search(text.trim())
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

  const choose = (groupId: string) => {
    const found = result?.groups.find((g) => g.id === groupId);
    const known = found ? { [groupId]: found.name } : {};
    if (single) {
      onChange([groupId], known);
      setOpen(false);
    } else if (!selected.includes(groupId)) {
      onChange([...selected, groupId], known);
    }
    setText("");
    input.current?.focus();
  };
  const remove = (groupId: string) =>
    onChange(
      selected.filter((s) => s !== groupId),
      {},
    );

  const label = (groupId: string) => {
    const name = source.names?.[groupId];
    return name ? `${name} (${groupId})` : groupId;
  };
  const chips = (
    <ChipGroup numChips={10} aria-label={ariaLabel}>
      {selected.map((groupId) => (
        <Chip
          key={groupId}
          onClick={() => remove(groupId)}
          isReadOnly={readOnly}
          data-testid={`${id}-chip`}
          textMaxWidth={source.chipMaxWidth}
        >
          {label(groupId)}
        </Chip>
      ))}
    </ChipGroup>
  );

  if (readOnly) {
    return selected.length ? chips : <span data-testid={`${id}-none`}>{t("dirsyncSourceNone")}</span>;
  }

  const typedId = source.typedId(text.trim());
  const groups = result?.groups ?? [];
  const listId = `${id}-list`;
  const failed = t(source.keys.searchFailed, { error });

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
                placeholder={single ? t("dirsyncSourceSearchGroup") : t(source.keys.searchGroups)}
                role="combobox"
                isExpanded={open}
                aria-controls={listId}
                aria-label={ariaLabel}
                data-testid={`${id}-search`}
              />
              <TextInputGroupUtilities {...(text ? {} : { style: { display: "none" } })}>
                <Button variant="plain" onClick={() => setText("")} aria-label={t("dirsyncSourceClearSearch")}>
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
              <Spinner size="sm" aria-label={t(source.keys.searching)} /> {t(source.keys.searching)}
            </SelectOption>
          )}
          {!loading &&
            groups.map((g) => (
              <SelectOption
                key={g.id}
                value={g.id}
                isSelected={selected.includes(g.id)}
                description={g.description}
                data-testid={`${id}-option`}
              >
                {g.name}
              </SelectOption>
            ))}
          {!loading && typedId && !groups.some((g) => g.id.toLowerCase() === typedId.toLowerCase()) && (
            <SelectOption key="typed" value={typedId} description={t(source.keys.useTypedHelp)}>
              {t(source.keys.useTyped, { id: typedId })}
            </SelectOption>
          )}
          {!loading && !error && groups.length === 0 && !typedId && (
            <SelectOption isDisabled key="none" value="">
              {t("dirsyncSourceNoGroupFound")}
            </SelectOption>
          )}
          {!loading && result?.more && (
            <SelectOption isDisabled key="more" value="">
              {t("dirsyncSourceMoreGroups")}
            </SelectOption>
          )}
          {!loading && error && (
            <SelectOption isDisabled key="error" value="">
              {failed}
            </SelectOption>
          )}
        </SelectList>
      </Select>
      {error && !open && (
        <HelperText>
          <HelperTextItem variant="error" data-testid={`${id}-error`}>
            {failed}
          </HelperTextItem>
        </HelperText>
      )}
      {selected.length > 0 && <div className="pf-v5-u-mt-sm">{chips}</div>}
    </>
  );
};
