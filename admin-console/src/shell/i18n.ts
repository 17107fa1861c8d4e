import { createInstance, type i18n as I18n } from "i18next";
import FetchBackend from "i18next-fetch-backend";
import { initReactI18next } from "react-i18next";
import { environment } from "./environment";

type KeyValue = { key: string; value: string };

/**
 * The console's messages, served by Keycloak from the realm's admin theme: ours
 * (theme/dirsync/admin/messages) merged over keycloak.v2's, so one bundle holds both.
 */
export const i18n: I18n = createInstance({
  fallbackLng: "en",
  keySeparator: ".",
  nsSeparator: false,
  interpolation: { escapeValue: false },
  defaultNS: [environment.realm],
  ns: [environment.realm],
  // The console switches to the messages of the realm it manages, whose admin theme may not be ours;
  // our keys then come from the realm the admin signed in to, whose theme served this page.
  fallbackNS: [environment.realm],
  backend: {
    loadPath: `${environment.adminBaseUrl.replace(/\/$/, "")}/resources/{{ns}}/admin/{{lng}}`,
    parse: (data: string) =>
      Object.fromEntries((JSON.parse(data) as KeyValue[]).map(({ key, value }) => [key, value])),
  },
});

i18n.use(FetchBackend);
i18n.use(initReactI18next);
