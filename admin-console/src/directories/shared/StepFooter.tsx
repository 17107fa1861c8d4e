import { Button, useWizardContext, WizardFooterWrapper } from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

/**
 * The footer of a push type's setup wizard (SCIM, Duo Admin API): Next runs the step's save first and moves on only
 * when the server took it; the last step's button is Complete setup.
 */
export const StepFooter = ({
  actions,
  onError,
}: {
  actions: Record<string, () => Promise<void>>;
  onError: (e: unknown) => void;
}) => {
  const { t } = useTranslation();
  const { activeStep, goToNextStep, goToPrevStep, close, steps } = useWizardContext();
  const [busy, setBusy] = useState(false);
  const last = steps[steps.length - 1]?.id === activeStep.id;
  const next = async () => {
    setBusy(true);
    try {
      await actions[String(activeStep.id)]?.();
      if (!last) await goToNextStep();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <WizardFooterWrapper>
      <Button variant="primary" data-testid="wizard-next" onClick={next} isLoading={busy} isDisabled={busy}>
        {last ? t("dirsyncCompleteSetup") : t("next")}
      </Button>
      {activeStep.index > 1 && (
        <Button variant="secondary" data-testid="wizard-back" onClick={goToPrevStep} isDisabled={busy}>
          {t("back")}
        </Button>
      )}
      <Button variant="link" data-testid="wizard-cancel" onClick={close}>
        {t("cancel")}
      </Button>
    </WizardFooterWrapper>
  );
};
