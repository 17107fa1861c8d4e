import type { DirectoryTabProps } from "../DirectoryDetails";
import { pagesOf } from "../registry";

/** The Settings tab: each directory type has its own form. */
export const SettingsTab = (props: DirectoryTabProps) => {
  const Settings = pagesOf(props.directory.type).settings;
  return <Settings {...props} />;
};
