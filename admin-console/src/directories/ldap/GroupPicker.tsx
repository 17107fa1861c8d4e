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
import type { GroupSearch } from "../../api/dirsync";

type Props = {
  id: string;
  /** the chosen DNs */
  selected: string[];
  onChange: (dns: string[]) => void;
  /** asks the directory for groups whose name contains the text (the server's search-groups) */
  search: (text: string) => Promise<GroupSearch>;
  /** one group only (an admin group's row) */
  single?: boolean;
  readOnly?: boolean;
  ariaLabel: string;
};

/**
 * Groups chosen by searching the directory: a typeahead that asks the server as the admin types and
 * shows each group's name, DN and member count; the chosen groups are chips showing their DN. A DN
 * typed in full can be added even when the search cannot run (e.g. before the credential is typed).
 */
export const GroupPicker = ({ id, selected, onChange, search, single, readOnly, ariaLabel }: Props) => {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [result, setResult] = useState<GroupSearch>();
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

  const choose = (dn: string) => {
    if (single) {
      onChange([dn]);
      setOpen(false);
    } else if (!selected.includes(dn)) {
      onChange([...selected, dn]);
    }
    setText("");
    input.current?.focus();
  };
  const remove = (dn: string) => onChange(selected.filter((s) => s !== dn));

  const chips = (
    <ChipGroup numChips={10} aria-label={ariaLabel}>
      {selected.map((dn) => (
        <Chip key={dn} onClick={() => remove(dn)} isReadOnly={readOnly} data-testid={`${id}-chip`} textMaxWidth="60ch">
          {dn}
        </Chip>
      ))}
    </ChipGroup>
  );

  if (readOnly) {
    return selected.length ? chips : <span data-testid={`${id}-none`}>{t("dirsyncLdapNoGroups")}</span>;
  }

  const typedDn = text.includes("=") ? text.trim() : "";
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
                placeholder={t(single ? "dirsyncLdapSearchGroup" : "dirsyncLdapSearchGroups")}
                role="combobox"
                isExpanded={open}
                aria-controls={listId}
                aria-label={ariaLabel}
                data-testid={`${id}-search`}
              />
              <TextInputGroupUtilities {...(text ? {} : { style: { display: "none" } })}>
                <Button variant="plain" onClick={() => setText("")} aria-label={t("dirsyncLdapClearSearch")}>
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
              <Spinner size="sm" aria-label={t("dirsyncLdapSearching")} /> {t("dirsyncLdapSearching")}
            </SelectOption>
          )}
          {!loading &&
            groups.map((g) => (
              <SelectOption
                key={g.dn}
                value={g.dn}
                isSelected={selected.includes(g.dn)}
                description={`${g.dn} · ${t("dirsyncLdapMembers", {
                  count: g.memberCount,
                  plus: g.memberCountAtLeast ? "+" : "",
                })}`}
                data-testid={`${id}-option`}
              >
                {g.name}
              </SelectOption>
            ))}
          {!loading && typedDn && !groups.some((g) => g.dn.toLowerCase() === typedDn.toLowerCase()) && (
            <SelectOption key="typed" value={typedDn} description={t("dirsyncLdapUseDnHelp")}>
              {t("dirsyncLdapUseDn", { dn: typedDn })}
            </SelectOption>
          )}
          {!loading && !error && groups.length === 0 && !typedDn && (
            <SelectOption isDisabled key="none" value="">
              {t("dirsyncLdapNoGroupFound")}
            </SelectOption>
          )}
          {!loading && result?.more && (
            <SelectOption isDisabled key="more" value="">
              {t("dirsyncLdapMoreGroups")}
            </SelectOption>
          )}
          {!loading && error && (
            <SelectOption isDisabled key="error" value="">
              {t("dirsyncLdapSearchFailed", { error })}
            </SelectOption>
          )}
        </SelectList>
      </Select>
      {error && !open && (
        <HelperText>
          <HelperTextItem variant="error" data-testid={`${id}-error`}>
            {t("dirsyncLdapSearchFailed", { error })}
          </HelperTextItem>
        </HelperText>
      )}
      {selected.length > 0 && <div className="pf-v5-u-mt-sm">{chips}</div>}
    </>
  );
};
