#!/usr/bin/env node
// Demo setup for ./run.sh (Node 18+, built-in fetch, no npm dependencies).
//
// 1. waits until Keycloak answers on /realms/master (up to 5 minutes: a first start also builds Keycloak);
// 2. logs in to the master realm as the bootstrap admin (admin-cli, password grant);
// 3. points realm "demo"'s SMTP at the demo mail catcher (scripts/DemoMail.java) and its Frontend URL at this server,
//    so that enrollment e-mails (on for the demo directories) land in the catcher with working links;
//    in realm "demo", makes sure every directory of realm-config/demo-directories.json exists
//    (matched by type and name), completes the setup of SCIM directories still in "draft",
//    and gets a fresh bearer token for each SCIM directory (new keys for the Duo Admin API directory); points the LDAP directory at the demo LDAP server and the
//    Entra ID directory at the demo Microsoft Graph stand-in (its tenant, client, secret, URLs and the object ids of
//    the groups named in syncedGroups and adminGroups come from DEMO_GRAPH_FILE), completes their setup and runs a
//    full sync of each;
// 4. installs the login policy's browser flow "directory sync browser" and binds it (POST .../dirsync/login-flow);
// 5. prints the admin console URL, the mail catcher's page, the SCIM base URL, the token and a curl example, and the
//    Duo Admin API directory's host name, endpoint, keys and a curl with a Duo-signed request.
//
// Environment: KC_HTTP_PORT (8080), KC_URL (http://localhost:$KC_HTTP_PORT), DEMO_REALM (demo),
// KC_BOOTSTRAP_ADMIN_USERNAME / KC_BOOTSTRAP_ADMIN_PASSWORD (admin / admin),
// DEMO_DIRECTORIES_FILE (realm-config/demo-directories.json), KC_WAIT_SECONDS (300),
// DEMO_SMTP_PORT (3025) and DEMO_MAIL_PORT (8025) of the mail catcher, DEMO_LDAP_PORT (10389) of the LDAP server,
// DEMO_GRAPH_FILE: the ids the demo Graph stand-in wrote (io.dirsync.entra.DemoGraph; unset: it is not running).
// Exit status: 0 when everything is set up, 1 on any error (printed in a framed box).

import { createHmac } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const port = process.env.KC_HTTP_PORT || '8080';
const kcUrl = (process.env.KC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
const realm = process.env.DEMO_REALM || 'demo';
const adminUser = process.env.KC_BOOTSTRAP_ADMIN_USERNAME || 'admin';
const adminPassword = process.env.KC_BOOTSTRAP_ADMIN_PASSWORD || 'admin';
const directoriesFile = process.env.DEMO_DIRECTORIES_FILE
  || path.join(here, '..', 'realm-config', 'demo-directories.json');
const waitSeconds = Number(process.env.KC_WAIT_SECONDS || 300);
const apiBase = `${kcUrl}/admin/realms/${encodeURIComponent(realm)}/dirsync`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => console.log(`[demo-setup] ${msg}`);

class ApiError extends Error {
  constructor(method, url, status, body, hint) {
    super(`${method} ${url} -> HTTP ${status}`);
    this.method = method;
    this.url = url;
    this.status = status;
    this.body = body;
    this.hint = hint;
  }
}

function frame(title, lines, colour) {
  // Long lines (the curl example) run past the frame rather than being wrapped: they stay pasteable.
  const width = Math.min(100, Math.max(title.length + 4, ...lines.map((l) => l.length + 4), 60));
  const bar = '='.repeat(width);
  const c = process.stdout.isTTY ? colour : '';
  const r = process.stdout.isTTY ? '\x1b[0m' : '';
  const out = ['', `${c}${bar}`, `  ${title}`, bar + r, ...lines.map((l) => (l ? `  ${l}` : '')), `${c}${bar}${r}`, ''];
  console.log(out.join('\n'));
}

function fail(title, lines) {
  frame(`DEMO SETUP FAILED: ${title}`, lines, '\x1b[1;31m');
  process.exitCode = 1;
}

async function waitForKeycloak() {
  const deadline = Date.now() + waitSeconds * 1000;
  let lastProblem = 'no answer yet';
  log(`waiting for Keycloak at ${kcUrl}/realms/master (up to ${waitSeconds} s) ...`);
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${kcUrl}/realms/master`, { signal: AbortSignal.timeout(5000) });
      if (res.status === 200) return;
      lastProblem = `HTTP ${res.status}`;
    } catch (e) {
      lastProblem = e.cause?.code || e.message;
    }
    await sleep(2000);
  }
  throw new ApiError('GET', `${kcUrl}/realms/master`, lastProblem, '',
    `Keycloak did not become ready within ${waitSeconds} s; see the Keycloak log above.`);
}

async function adminToken() {
  const url = `${kcUrl}/realms/master/protocol/openid-connect/token`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: adminUser, password: adminPassword }),
  });
  const text = await res.text();
  if (!res.ok) {
    throw new ApiError('POST', url, res.status, text,
      `Could not log in as "${adminUser}" in the master realm. The bootstrap admin `
      + '(KC_BOOTSTRAP_ADMIN_USERNAME / KC_BOOTSTRAP_ADMIN_PASSWORD) is created only on the first start '
      + 'of a fresh database; if you changed it since, export the current credentials, or rm -rf .run/ to start over.');
  }
  return JSON.parse(text).access_token;
}

function makeApi(token) {
  return async function api(method, url, body, { okStatuses = [], hint } = {}) {
    let res;
    try {
      res = await fetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30000),
      });
    } catch (e) {
      throw new ApiError(method, url, e.cause?.code || e.message, '', 'Keycloak did not answer (was it stopped?).');
    }
    const text = await res.text();
    if (!res.ok && !okStatuses.includes(res.status)) {
      throw new ApiError(method, url, res.status, text, typeof hint === 'function' ? hint(res.status) : hint);
    }
    let json = null;
    if (text) {
      try { json = JSON.parse(text); } catch { json = null; }
    }
    return { status: res.status, json, text };
  };
}

const sameName = (a, b) => String(a || '').trim().toLowerCase() === String(b || '').trim().toLowerCase();

const ldapPort = process.env.DEMO_LDAP_PORT || '10389';
const mailSmtpPort = process.env.DEMO_SMTP_PORT || '3025';
const mailWebPort = process.env.DEMO_MAIL_PORT || '8025';
const graphFile = process.env.DEMO_GRAPH_FILE || '';

/** What the demo Graph stand-in wrote once it answers (it starts with Keycloak, so it is there long before), or null. */
async function demoGraph() {
  if (!graphFile) return null;
  for (let i = 0; i < 30; i++) {
    try {
      if ((await stat(graphFile)).size > 0) return JSON.parse(await readFile(graphFile, 'utf8'));
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
    await sleep(1000);
  }
  return null;
}

/**
 * The demo Entra ID directory's settings for this run's Graph stand-in: its tenant, client, secret and URLs, and the
 * object ids of the groups demo-directories.json names by display name (syncedGroups, adminGroups[].group).
 */
function entraSettings(want, graph) {
  const id = (name) => {
    const found = Object.entries(graph.groups || {}).find(([n]) => sameName(n, name));
    if (!found) {
      throw new ApiError('READ', graphFile, 'no such group', JSON.stringify(graph.groups),
        `The demo Graph stand-in has no group "${name}" (named in ${path.relative(process.cwd(), directoriesFile)}).`);
    }
    return found[1];
  };
  const s = want.settings || {};
  return {
    ...s,
    tenantId: graph.tenantId,
    clientId: graph.clientId,
    clientSecret: graph.clientSecret,
    authorityHost: graph.url,
    graphEndpoint: graph.url,
    syncedGroups: (s.syncedGroups || []).map(id),
    adminGroups: (s.adminGroups || []).map((g) => ({ ...g, group: id(g.group) })),
  };
}

/** A pull directory (LDAP, Entra ID): point it at this run's demo server, activate it, and run a full sync now. */
async function syncPull(api, dir, settings, apiHint) {
  const dirUrl = `${apiBase}/directories/${encodeURIComponent(dir.id)}`;
  await api('PUT', dirUrl, { settings }, { hint: apiHint });
  if (dir.status === 'draft') {
    await api('POST', `${dirUrl}/complete-setup`, undefined, { okStatuses: [409], hint: apiHint });
    log(`directory "${dir.name}": setup completed (draft -> active)`);
  }
  const run = await api('POST', `${dirUrl}/sync?wait=120`, { kind: 'full' }, { okStatuses: [202, 409], hint: apiHint });
  log(`directory "${dir.name}": full sync ${run.status === 200 ? 'done' : 'started'}`);
  const now = (await api('GET', dirUrl, undefined, { hint: apiHint })).json || dir;
  return { dir: now, report: run.status === 200 ? run.json : null };
}

async function main() {
  const wanted = JSON.parse(await readFile(directoriesFile, 'utf8'));
  if (!Array.isArray(wanted)) throw new Error(`${directoriesFile} must hold a JSON array of directories`);

  await waitForKeycloak();
  const api = makeApi(await adminToken());

  // The realm must have been imported from realm-config/.
  await api('GET', `${kcUrl}/admin/realms/${encodeURIComponent(realm)}`, undefined, {
    hint: `Realm "${realm}" does not exist: it is imported from realm-config/*-realm.json on start (--import-realm).`,
  });

  const apiHint = (status) => (status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 404
    ? `The Directory Sync admin API rejected the request. Check ${path.relative(process.cwd(), directoriesFile)} `
      + 'against the API (type, name, settings.mappings), or fix the directory in the admin console.'
    : 'The Directory Sync admin API (/admin/realms/{realm}/dirsync) did not answer as expected. '
      + 'Is the extension JAR in .run/keycloak-*/providers/, and does this build include the admin API? '
      + 'Check the Keycloak log above for errors from io.dirsync.');
  let listed;
  try {
    listed = await api('GET', `${apiBase}/directories`, undefined, { hint: apiHint });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      e.hint = `The Directory Sync admin API was not found at ${apiBase}: Keycloak is running, but `
        + 'the extension JAR in .run/keycloak-*/providers/ was not loaded or this build has no admin REST API yet. '
        + 'Check the Keycloak log above for io.dirsync messages.';
    }
    throw e;
  }
  const existing = Array.isArray(listed.json) ? listed.json : [];

  // Enrollment e-mails: the realm sends through the demo mail catcher (scripts/DemoMail.java, started by ./run.sh),
  // and links made by the background job point at this server (a job has no request to take the host from).
  const realmUrl = `${kcUrl}/admin/realms/${encodeURIComponent(realm)}`;
  const realmRep = (await api('GET', realmUrl)).json || {};
  await api('PUT', realmUrl, {
    smtpServer: { host: '127.0.0.1', port: mailSmtpPort, from: 'directory-sync@demo.test',
      fromDisplayName: 'Directory Sync Demo', replyTo: 'it-support@demo.test' },
    attributes: { ...(realmRep.attributes || {}), frontendUrl: kcUrl },
  });
  log(`realm "${realm}": mail through the demo mail catcher (127.0.0.1:${mailSmtpPort}), links to ${kcUrl}`);

  // The console pages (External Directories, Pending Enrollments, Trash) live in the admin theme "dirsync".
  // A master-realm admin sees the theme of master; a realm's own admins see the realm's: select it in both.
  for (const name of ['master', realm]) {
    await api('PUT', `${kcUrl}/admin/realms/${encodeURIComponent(name)}`, { adminTheme: 'dirsync' });
  }
  log(`admin theme "dirsync" selected for realms "master" and "${realm}"`);

  const results = [];
  const graph = await demoGraph();
  for (const want of wanted) {
    let dir = existing.find((d) => d.type === want.type && sameName(d.name, want.name));
    if (want.type === 'entra' && !graph) {
      // Its settings need the stand-in's ids: without it the directory is left as it is (or not created).
      log(`directory "${want.name}" (entra): skipped, the demo Graph stand-in is not running`);
      results.push({ dir: dir || { name: want.name, type: 'entra', id: '(not created)' }, graphMissing: true });
      continue;
    }
    const settings = want.type === 'entra' ? entraSettings(want, graph)
      : want.type === 'ldap' ? { ...(want.settings || {}), connectionUrl: `ldap://127.0.0.1:${ldapPort}` }
        : want.settings;
    if (dir) {
      log(`directory "${dir.name}" (${dir.type}) exists: ${dir.id}, status ${dir.status}`);
    } else {
      const created = await api('POST', `${apiBase}/directories`, { ...want, settings }, { hint: apiHint });
      dir = created.json;
      if (!dir || !dir.id) throw new ApiError('POST', `${apiBase}/directories`, created.status, created.text, 'The answer has no directory id.');
      log(`directory "${dir.name}" (${dir.type}) created: ${dir.id}, status ${dir.status}`);
    }
    if (dir.type === 'ldap' || dir.type === 'entra') {
      results.push(await syncPull(api, dir, settings, apiHint));
      continue;
    }
    // Push directories: their credentials are shown once, so the demo completes the setup or issues new ones.
    const issued = dir.type === 'scim' ? ['token', 'baseUrl']
      : dir.type === 'duo-admin-api' ? ['integrationKey', 'secretKey', 'apiHostname', 'endpoint'] : null;
    if (!issued) {
      results.push({ dir });
      continue;
    }
    const dirUrl = `${apiBase}/directories/${encodeURIComponent(dir.id)}`;
    const complete = (c) => !!c && issued.every((k) => c[k]);
    let credentials = null;
    if (dir.status === 'draft') {
      const done = await api('POST', `${dirUrl}/complete-setup`, undefined, { okStatuses: [409], hint: apiHint });
      if (done.status !== 409) {
        credentials = done.json;
        log(`directory "${dir.name}": setup completed (draft -> active)`);
      }
    }
    if (!complete(credentials)) {
      credentials = (await api('POST', `${dirUrl}/token`, undefined, { hint: apiHint })).json;
      log(`directory "${dir.name}": credentials issued again (the previous ones no longer work)`);
    }
    if (!complete(credentials)) {
      throw new ApiError('POST', `${dirUrl}/token`, 200, JSON.stringify(credentials), `The answer lacks ${issued.join(', ')}.`);
    }
    results.push({ dir, credentials });
  }

  // The login policy: directory statuses at sign-in, a second factor (OTP) unless bypass.
  const flow = (await api('POST', `${apiBase}/login-flow`, { bind: true }, { hint: apiHint })).json || {};
  log(`login flow "${flow.alias}": installed ${flow.installed}, bound as the browser flow ${flow.bound}`);

  const lines = [
    `Admin console:  ${kcUrl}/admin/master/console/#/${realm}/dirsync/directories`,
    `Login:          ${adminUser} / ${adminPassword === 'admin' ? 'admin' : '(your KC_BOOTSTRAP_ADMIN_PASSWORD)'}`,
    'Console pages:  "Directory sync" in the navigation (admin theme "dirsync"): External Directories (the demo',
    '                directories, their wizards, mappings, groups, sync and history), Pending Enrollments, Trash;',
    '                Keycloak\'s user and group pages show the owning directory, locked fields and status.',
    '',
    `Login policy:   active in realm "${realm}" (browser flow "${flow.alias}"${flow.bound ? '' : ', NOT bound'}):`,
    '                disabled and trashed users are refused with a clear message; others set up and use',
    '                OTP as a second factor, except bypass users (their own status or a group\'s).',
    `Sign in at:     ${kcUrl}/realms/${realm}/account`,
    '',
    `Mail catcher:   http://localhost:${mailWebPort}/  (every mail the realm sends; SMTP 127.0.0.1:${mailSmtpPort})`,
    'Enrollment:     on for every demo directory: each synced user with an e-mail gets a link to set up OTP',
    '                (reminders after 2 and 10 days, a new link after 30). Pending enrollments:',
    `                ${kcUrl}/admin/master/console/#/${realm}/dirsync/enrollments`,
  ];
  for (const { dir, credentials, report, graphMissing } of results) {
    lines.push('', `Directory:      ${dir.name} (${dir.type}, id ${dir.id})`);
    if (graphMissing) {
      lines.push('Demo Entra ID:  not synced: the demo Microsoft Graph stand-in is not running (see run.sh\'s warnings)');
      continue;
    }
    if (report) {
      const c = report.counts || {};
      lines.push(`Full sync:      ${report.status}: ${c.created || 0} created, ${c.updated || 0} updated, `
        + `${c.adopted || 0} adopted, ${c.unchanged || 0} unchanged, ${c.trashed || 0} trashed, ${c.failed || 0} failed`);
    } else if (dir.type === 'ldap' || dir.type === 'entra') {
      lines.push('Full sync:      still running: see the directory\'s history in the console');
    }
    if (dir.type === 'ldap') {
      lines.push('Demo LDAP:      ldap://127.0.0.1:' + ldapPort + ' (users ada, alan, grace, mary, ... password "password")',
        'No e-mail:      hedy / password (no mail in the directory: signs in without an e-mail)');
    }
    if (dir.type === 'entra') {
      lines.push(`Demo Entra ID:  ${dir.userCount} users, ${dir.groupCount} groups from a local Microsoft Graph stand-in at ${graph.url}`,
        '                (Fabrikam: Marketing, and Finance with its nested group Finance Leads; Entra Admins are',
        '                help-desk admins; Ethan Brooks is in no synced group and stays out)',
        `Sign-in:        realm "${realm}" has no Microsoft identity provider, so Entra users set a Keycloak password`,
        '                (and OTP) from their enrollment e-mail: open it in the mail catcher');
    }
    if (!credentials) continue;
    const expires = credentials.expiresAt ? new Date(credentials.expiresAt).toISOString() : 'unknown';
    if (dir.type === 'duo-admin-api') {
      lines.push(
        `API hostname:   ${credentials.apiHostname}  (Duo's clients call https://${credentials.apiHostname}/admin/v1/...:`,
        '                map that host to the endpoint below with the README\'s nginx rule)',
        `Endpoint:       ${credentials.endpoint}`,
        `Integration key: ${credentials.integrationKey}`,
        `Secret key:     ${credentials.secretKey}`,
        `Keys expire:    ${expires}  (shown once; issued again on every ./run.sh)`,
        '',
        'Try it (a Duo v2-signed request, valid for 5 minutes: lists the directory\'s users):',
        duoCurl(credentials),
      );
      continue;
    }
    lines.push(
      `SCIM Base URL:  ${credentials.baseUrl}`,
      `Bearer token:   ${credentials.token}`,
      `Token expires:  ${expires}  (shown once; regenerated on every ./run.sh)`,
      '',
      'Try it:',
      `curl -H "Authorization: Bearer ${credentials.token}" ${credentials.baseUrl}/Users`,
    );
  }
  frame('Keycloak Directory Sync demo is ready', lines, '\x1b[1;32m');
}

main().catch((e) => {
  if (e instanceof ApiError) {
    const body = (e.body || '').toString().trim();
    fail(`${e.method} ${e.url}`, [
      `Status: ${e.status}`,
      ...(body ? [`Body:   ${body.length > 600 ? `${body.slice(0, 600)} ...` : body}`] : []),
      ...(e.hint ? ['', ...wrap(e.hint, 96)] : []),
      '',
      'This script does not stop Keycloak. Fix the problem, then run ./run.sh again, or only this step:',
      `KC_HTTP_PORT=${port} node scripts/demo-setup.mjs`,
    ]);
  } else {
    fail(e.message || String(e), [String(e.stack || e)]);
  }
});

/**
 * A curl command for GET /admin/v1/users?limit=5 signed as Duo's clients sign (v2: Date, method, the API host name,
 * path and parameters, HMAC-SHA1 with the secret key). It goes straight to Keycloak: the signature is checked against
 * the directory's API host name, not the Host header, and the Date keeps it valid for 5 minutes.
 */
function duoCurl({ apiHostname, endpoint, integrationKey, secretKey }) {
  const date = new Date().toUTCString();
  const canonical = [date, 'GET', apiHostname.toLowerCase(), '/admin/v1/users', 'limit=5'].join('\n');
  const signature = createHmac('sha1', secretKey).update(canonical).digest('hex');
  const basic = Buffer.from(`${integrationKey}:${signature}`).toString('base64');
  return `curl -H "Date: ${date}" -H "Authorization: Basic ${basic}" "${endpoint}/admin/v1/users?limit=5"`;
}

function wrap(text, width) {
  const out = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) { out.push(line); line = word; } else { line = line ? `${line} ${word}` : word; }
  }
  if (line) out.push(line);
  return out;
}
