import type { DirectoryTabProps } from "../directories/DirectoryDetails";

// Placeholder: Sync now (full / admin / one user), pause and resume, schedules. Being built (issue 12).
export const SyncTab = (_: DirectoryTabProps) => null;
