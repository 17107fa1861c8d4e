// Prepares a realm and a SCIM directory for SAP's SCIMono compliance suite and writes
// {"baseUrl": ..., "token": ...} to the file named by the first argument. This is the README's documented
// "SCIM conformance setup", nothing more: a realm that allows duplicate e-mails (SCIMono's fixtures give many users
// one address, which Keycloak's default refuses with 409) and a SCIM directory with default settings and no
// mappings (every attribute is filterable without one).
import { writeFileSync } from 'node:fs';

const server = process.env.KC_URL ?? 'http://127.0.0.1:8180';
const out = process.argv[2];
const realm = 'scimono';

async function call(method, path, body, token) {
  const res = await fetch(server + path, {
    method,
    headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, text };
}

for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${server}/realms/master`)).status === 200) break;
  } catch { /* not up yet */ }
  if (i > 180) throw new Error(`Keycloak did not start at ${server}`);
  await new Promise((r) => setTimeout(r, 1000));
}
const tokenRes = await fetch(`${server}/realms/master/protocol/openid-connect/token`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: 'admin' }),
});
const admin = (await tokenRes.json()).access_token;
if (!admin) throw new Error(`no admin token (${tokenRes.status})`);

const created = await call('POST', '/admin/realms', { realm, enabled: true, duplicateEmailsAllowed: true }, admin);
if (created.status !== 201 && created.status !== 409) throw new Error(`realm: ${created.status} ${created.text}`);
const dir = await call('POST', `/admin/realms/${realm}/dirsync/directories`, {
  type: 'scim',
  name: `SCIMono ${Date.now()}`,
  settings: { provider: 'generic' },
}, admin);
if (dir.status !== 201) throw new Error(`directory: ${dir.status} ${dir.text}`);
const setup = await call('POST', `/admin/realms/${realm}/dirsync/directories/${dir.json.id}/complete-setup`, null, admin);
if (setup.status !== 200) throw new Error(`complete-setup: ${setup.status} ${setup.text}`);
writeFileSync(out, JSON.stringify({ baseUrl: setup.json.baseUrl, token: setup.json.token }));
console.log(`[scimono] directory ready: ${setup.json.baseUrl}`);
