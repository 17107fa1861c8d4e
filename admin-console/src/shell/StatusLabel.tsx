import { Label } from "@patternfly/react-core";

const COLORS: Record<string, "green" | "orange" | "red" | "grey" | "blue" | "gold"> = {
  active: "green",
  draft: "grey",
  paused: "orange",
  "token expired": "red",
  "keys expired": "red",
  "connection failed": "red",
  completed: "green",
  failed: "red",
  held: "gold",
  running: "blue",
  bypass: "orange",
  disabled: "red",
  "pending deletion": "orange",
  pending_deletion: "orange",
  trashed: "orange",
};

/** A status word in the colour the console uses for it (green well, orange attention, red broken). */
export const StatusLabel = ({ status, testId = "status" }: { status: string; testId?: string }) => (
  <Label color={COLORS[status] ?? "grey"} data-testid={testId}>
    {status.replace(/_/g, " ")}
  </Label>
);
