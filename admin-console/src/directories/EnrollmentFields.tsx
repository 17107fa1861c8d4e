import { Checkbox, FormGroup, Switch } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";

/** The second factors an enrollment link can set up (Keycloak's required actions). */
const FACTORS = ["otp", "webauthn", "recovery-codes"] as const;

export type EnrollmentValues = { enrollmentEmails: boolean; enrollmentFactors: string[] };

export const enrollmentOf = (settings: Record<string, unknown>): EnrollmentValues => ({
  enrollmentEmails: settings.enrollmentEmails === true,
  enrollmentFactors: Array.isArray(settings.enrollmentFactors) ? (settings.enrollmentFactors as string[]) : ["otp"],
});

/**
 * Enrollment e-mails (SPEC §4) for every directory type: on or off (off by default), and which
 * second factors the link asks the user to set up.
 */
export const EnrollmentFields = ({
  value,
  onChange,
  readOnly,
}: {
  value: EnrollmentValues;
  onChange: (v: EnrollmentValues) => void;
  readOnly?: boolean;
}) => {
  const { t } = useTranslation();
  const toggle = (factor: string, on: boolean) =>
    onChange({
      ...value,
      enrollmentFactors: on
        ? [...value.enrollmentFactors, factor]
        : value.enrollmentFactors.filter((f) => f !== factor),
    });
  return (
    <>
      <FormGroup label={t("dirsyncEnrollmentEmails")} fieldId="enrollment-emails" hasNoPaddingTop>
        <Switch
          id="enrollment-emails"
          data-testid="enrollment-emails"
          label={t("dirsyncEnrollmentEmailsOn")}
          isChecked={value.enrollmentEmails}
          isDisabled={readOnly}
          onChange={(_e, on) => onChange({ ...value, enrollmentEmails: on })}
        />
      </FormGroup>
      {value.enrollmentEmails && (
        <FormGroup label={t("dirsyncEnrollmentFactors")} fieldId="enrollment-factors" role="group" isStack>
          {FACTORS.map((f) => (
            <Checkbox
              key={f}
              id={`enrollment-factor-${f}`}
              label={t(`dirsyncFactor.${f}`)}
              isChecked={value.enrollmentFactors.includes(f)}
              isDisabled={readOnly || (value.enrollmentFactors.length === 1 && value.enrollmentFactors.includes(f))}
              onChange={(_e, on) => toggle(f, on)}
            />
          ))}
        </FormGroup>
      )}
    </>
  );
};
