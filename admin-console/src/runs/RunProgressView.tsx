import {
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Flex,
  FlexItem,
  Spinner,
} from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import type { RunProgress } from "../api/dirsync";
import { formatTime } from "../shell/format";
import { formatCount } from "./runs";

/**
 * How far a pull run is: entries read from the source, applied, failed and the page it is on. While the run goes
 * on (`live`) the figures are the latest the server wrote (a page at a time) and the page reads them again every 2 s.
 */
export const RunProgressView = ({ progress, live }: { progress: RunProgress; live?: boolean }) => {
  const { t } = useTranslation();
  const figures: [string, string, string][] = [
    ["read", "dirsyncProgressRead", formatCount(progress.read)],
    ["applied", "dirsyncProgressApplied", formatCount(progress.applied)],
    ["failed", "dirsyncProgressFailed", formatCount(progress.failed)],
    ["page", live ? "dirsyncProgressPage" : "dirsyncProgressPages", formatCount(progress.page)],
  ];
  return (
    <div data-testid="run-progress">
      {live && (
        <Flex
          spaceItems={{ default: "spaceItemsSm" }}
          flexWrap={{ default: "nowrap" }}
          alignItems={{ default: "alignItemsCenter" }}
          className="pf-v5-u-mb-sm"
        >
          <FlexItem>
            <Spinner size="md" aria-label={t("dirsyncRunning")} />
          </FlexItem>
          <FlexItem>
            {progress.page === 0
              ? t("dirsyncWaitingForFirstPage")
              : t("dirsyncProgressUpdated", { time: formatTime(progress.updatedAt) })}
          </FlexItem>
        </Flex>
      )}
      <DescriptionList isCompact isHorizontal columnModifier={{ default: "2Col" }}>
        {figures.map(([id, label, value]) => (
          <DescriptionListGroup key={id}>
            <DescriptionListTerm>{t(label)}</DescriptionListTerm>
            <DescriptionListDescription data-testid={`progress-${id}`}>{value}</DescriptionListDescription>
          </DescriptionListGroup>
        ))}
      </DescriptionList>
    </div>
  );
};
