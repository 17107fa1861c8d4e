import type { DirectoryTabProps } from "../DirectoryDetails";

// Placeholder (issue 12, being built).
export const CredentialsTab = (_: DirectoryTabProps) => null;
