import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, seed, signIn } from "./support";

// A step that cannot happen fails with its own reason, not the whole test's timeout.
test.use({ actionTimeout: 20_000 });

const s = seed as typeof seed & {
  directoryId: string;
  keyTab: string;
  kerberosRealm: string;
  serverPrincipal: string;
};

test("An Active Directory directory's Kerberos settings: refused as the server says, saved, shown again", async ({ page }) => {
  const errors = await signIn(page, `/dirsync/directories/${s.directoryId}/settings`);
  const section = page.getByTestId("ldap-kerberos");
  await expect(section).toBeVisible();
  await expect(page.getByTestId("ldap-kerberos-realm")).toHaveValue("");
  const spnego = page.getByRole("checkbox", { name: "Allow Kerberos sign-in (SPNEGO)" });
  const passwords = page.getByRole("checkbox", { name: "Check passwords through the KDC" });
  // Passwords through the KDC follow Kerberos sign-in (Keycloak binds to LDAP otherwise).
  await expect(passwords).toBeDisabled();
  await expect(section).toContainText("Keycloak checks passwords through the KDC only then");

  await page.getByTestId("ldap-kerberos-realm").fill(s.kerberosRealm.toLowerCase());
  await spnego.check({ force: true });
  await expect(passwords).toBeEnabled();
  await passwords.check({ force: true });
  await page.getByTestId("ldap-kerberos-principal").fill(s.serverPrincipal);
  await page.getByTestId("ldap-kerberos-keytab").fill(s.keyTab + ".missing");
  await page.getByTestId("ldap-save").click();
  await expect(page.getByTestId("ldap-save-error")).toContainText(
    `settings.kerberos.realm '${s.kerberosRealm.toLowerCase()}' must be the Kerberos realm in upper case`,
  );

  await page.getByTestId("ldap-kerberos-realm").fill(s.kerberosRealm);
  await page.getByTestId("ldap-save").click();
  await expect(page.getByTestId("ldap-save-error")).toContainText(
    `settings.kerberos.keyTab: there is no file '${s.keyTab}.missing' on the Keycloak server`,
  );

  await page.getByTestId("ldap-kerberos-keytab").fill(s.keyTab);
  await expectAccessible(page, "an Active Directory directory's Kerberos settings");
  await page.getByTestId("ldap-save").click();
  await expect(page.getByText("Settings saved")).toBeVisible();
  await section.evaluate((s) => s.scrollIntoView({ block: "start" }));
  await screenshot(page, "ldap-kerberos");

  // Turning Kerberos sign-in off takes passwords through the KDC with it.
  await spnego.uncheck({ force: true });
  await expect(passwords).not.toBeChecked();
  await expect(passwords).toBeDisabled();
  await page.getByTestId("ldap-revert").click();

  // Another vendor has no Kerberos.
  await page.getByTestId("ldap-vendor").selectOption("openldap");
  await expect(section).toHaveCount(0);
  await page.getByTestId("ldap-revert").click();

  // What the server stored, shown again.
  await page.reload();
  await expect(page.getByTestId("ldap-kerberos-realm")).toHaveValue(s.kerberosRealm);
  await expect(page.getByTestId("ldap-kerberos-principal")).toHaveValue(s.serverPrincipal);
  await expect(page.getByTestId("ldap-kerberos-keytab")).toHaveValue(s.keyTab);
  await expect(spnego).toBeChecked();
  await expect(passwords).toBeChecked();
  expect(errors).toEqual([]);
});
