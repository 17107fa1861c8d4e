import {
  FormGroup,
  FormSelect,
  FormSelectOption,
  FormHelperText,
  HelperText,
  HelperTextItem,
  Icon,
  InputGroup,
  InputGroupItem,
  InputGroupText,
  Switch,
  TextInput,
} from "@patternfly/react-core";
import { LockIcon } from "@patternfly/react-icons";
import { ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** A field's help line (nothing for an empty text). */
export const Helper = ({ text, testid }: { text: string; testid?: string }) =>
  text ? (
    <FormHelperText>
      <HelperText>
        <HelperTextItem data-testid={testid}>{text}</HelperTextItem>
      </HelperText>
    </FormHelperText>
  ) : null;

/** A text field whose id is also its test id; read-only as plain text. */
export const TextField = ({
  id,
  label,
  help,
  value,
  onChange,
  readOnly,
  isRequired,
  placeholder,
  type,
}: {
  id: string;
  label: string;
  help?: string;
  value: string;
  onChange: (v: string) => void;
  readOnly: boolean;
  isRequired?: boolean;
  placeholder?: string;
  type?: "number";
}) => (
  <FormGroup label={label} isRequired={isRequired} fieldId={id}>
    <TextInput
      id={id}
      data-testid={id}
      type={type}
      min={type === "number" ? 1 : undefined}
      value={value}
      placeholder={placeholder}
      onChange={(_e, v) => onChange(v)}
      readOnlyVariant={readOnly ? "default" : undefined}
      isRequired={isRequired}
    />
    {help && <Helper text={help} />}
  </FormGroup>
);

/** An on/off setting whose id is also its test id. */
export const SwitchField = ({
  id,
  label,
  help,
  checked,
  onChange,
  readOnly,
}: {
  id: string;
  label: string;
  help?: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  readOnly: boolean;
}) => (
  <FormGroup fieldId={id}>
    <Switch id={id} data-testid={id} label={label} isChecked={checked} isDisabled={readOnly} onChange={(_e, v) => onChange(v)} />
    {help && <Helper text={help} />}
  </FormGroup>
);

/**
 * The username attribute: the type's own input (`children`) until the first sync, then the value read-only
 * behind a lock, with `lockedHelp` saying what to do instead (rule 3's aliases).
 */
export const UsernameAttributeField = ({
  id,
  label,
  value,
  locked,
  help,
  lockedHelp,
  children,
}: {
  id: string;
  label: string;
  value: string;
  locked?: boolean;
  help: string;
  lockedHelp: string;
  children: ReactNode;
}) => {
  const { t } = useTranslation();
  return (
    <FormGroup label={label} isRequired fieldId={id}>
      {locked ? (
        <InputGroup>
          <InputGroupText>
            <Icon>
              <LockIcon aria-label={t("dirsyncSourceLocked")} data-testid="username-attribute-lock" />
            </Icon>
          </InputGroupText>
          <InputGroupItem isFill>
            <TextInput id={id} data-testid={id} value={value} readOnlyVariant="default" />
          </InputGroupItem>
        </InputGroup>
      ) : (
        children
      )}
      <FormHelperText>
        <HelperText>
          {locked ? (
            <HelperTextItem icon={<LockIcon />} data-testid="username-attribute-locked">
              {lockedHelp}
            </HelperTextItem>
          ) : (
            <HelperTextItem>{help}</HelperTextItem>
          )}
        </HelperText>
      </FormHelperText>
    </FormGroup>
  );
};

/** A choice of fixed options whose id is also its test id. */
export const SelectField = ({
  id,
  label,
  help,
  value,
  options,
  onChange,
  readOnly,
}: {
  id: string;
  label: string;
  help?: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (v: string) => void;
  readOnly: boolean;
}) => (
  <FormGroup label={label} fieldId={id}>
    <FormSelect id={id} data-testid={id} value={value} isDisabled={readOnly} onChange={(_e, v) => onChange(v)}>
      {options.map((o) => (
        <FormSelectOption key={o.value} value={o.value} label={o.label} />
      ))}
    </FormSelect>
    {help && <Helper text={help} />}
  </FormGroup>
);

/**
 * A write-only secret (a bind credential, a client secret): typed as a password, never shown; a stored one
 * reads "stored, unchanged" and stays unless another is typed. `keys` are the type's words for it.
 */
export const SecretField = ({
  id,
  label,
  value,
  onChange,
  stored,
  readOnly,
  isRequired,
  helpTestId,
  keys,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  stored?: boolean;
  readOnly: boolean;
  isRequired?: boolean;
  helpTestId: string;
  keys: { stored: string; storedReadOnly: string; none: string; storedHelp: string; help: string };
}) => {
  const { t } = useTranslation();
  const help = readOnly ? (stored ? keys.storedReadOnly : keys.none) : stored ? keys.storedHelp : keys.help;
  return (
    <FormGroup label={label} isRequired={isRequired} fieldId={id}>
      {readOnly ? (
        <TextInput id={id} value={stored ? t(keys.stored) : ""} readOnlyVariant="default" data-testid={id} />
      ) : (
        <TextInput
          id={id}
          data-testid={id}
          type="password"
          autoComplete="new-password"
          value={value}
          placeholder={stored ? t(keys.stored) : ""}
          onChange={(_e, v) => onChange(v)}
        />
      )}
      <Helper testid={helpTestId} text={t(help)} />
    </FormGroup>
  );
};
