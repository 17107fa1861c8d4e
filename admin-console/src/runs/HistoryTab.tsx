import type { DirectoryTabProps } from "../directories/DirectoryDetails";

// Placeholder: the runs, their reports, held runs to confirm, live progress. Being built (issue 12).
export const HistoryTab = (_: DirectoryTabProps) => null;
