/** SCIM clients the wizard knows: the provider setting it stores and the name it proposes. */
export const SCIM_PRESETS = [
  { id: "okta", label: "Okta", name: "New Okta SCIM Integration" },
  { id: "entra", label: "Microsoft Entra ID", name: "New Entra ID SCIM Integration" },
  { id: "onelogin", label: "OneLogin", name: "New OneLogin SCIM Integration" },
  { id: "pingone", label: "PingOne", name: "New PingOne SCIM Integration" },
  { id: "generic", label: "Generic SCIM 2.0 client", name: "New SCIM Integration" },
] as const;

export const presetOf = (provider: unknown) =>
  SCIM_PRESETS.find((p) => p.id === String(provider ?? "").toLowerCase()) ?? SCIM_PRESETS[4];
