// Duo's official Node client (@duosecurity/duo_api 1.5.0, unmodified) against a Duo Admin API directory, through the
// operator's reverse proxy: https://<DUO_HOST>/admin/... on port 443 (the only port the client knows), TLS with the
// proxy's certificate. Issue 14's calls: create a user with aliases, find it by username and alias, update it, add it
// to a group, rename the group, set bypass, delete it (→ the trash; the caller checks the trash), list over 250 users
// page by page. Exits non-zero at the first answer that is not the expected one.
//
//   DUO_HOST=duo-api.example.test DUO_IKEY=DI... DUO_SKEY=... DUO_CA=/path/ca.pem node duo-client.mjs
//
// Prints one JSON line at the end: {"deletedUserIds": [...], "pagedUsers": n} for the caller's own checks.
//
// Trust: the client passes its own CA list (constants.DUO_PINNED_CERT, Duo's CAs) as `ca` of every request, so a
// certificate from any other CA fails, whatever the system trusts. The one thing this script changes is that list,
// at run time, to the proxy's test CA: verification stays on (host name and chain); only the trusted CA differs,
// as it would for an operator whose proxy has a private CA. The package's files are untouched.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const duo = require("@duosecurity/duo_api");
const constants = require("@duosecurity/duo_api/lib/constants");

const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`duo-client: ${name} is not set`);
    process.exit(2);
  }
  return v;
};
const host = env("DUO_HOST");
const ikey = env("DUO_IKEY");
const skey = env("DUO_SKEY");
constants.DUO_PINNED_CERT = readFileSync(env("DUO_CA"), "utf8");
const pagedUsers = Number(process.env.DUO_PAGED_USERS ?? 255);
const prefix = process.env.DUO_USER_PREFIX ?? "node";

let calls = 0;
const fail = (what, answer) => {
  console.error(`duo-client: FAILED ${what}\n  answer: ${JSON.stringify(answer)}`);
  process.exit(1);
};
const expectEqual = (what, actual, expected) => {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`, actual);
  }
};

/** One call of the client; the envelope must say OK unless a failure is expected. */
function call(client, method, path, params = {}) {
  calls++;
  return new Promise((resolve) => client.jsonApiCall(method, path, params, resolve));
}
async function ok(client, method, path, params) {
  const answer = await call(client, method, path, params);
  if (answer.stat !== "OK") fail(`${method} ${path} ${JSON.stringify(params ?? {})}`, answer);
  return answer;
}

/** The calls with one signature version (v2: form bodies, the client's default; v5: JSON bodies). */
async function scenario(sigVersion, tag) {
  const client = new duo.Client(ikey, skey, host, sigVersion);
  const username = `${prefix}-${tag}.lee`;

  // Create with aliases.
  const created = (await ok(client, "POST", "/admin/v1/users", {
    username,
    realname: "Ann Lee",
    email: `${username}@corp.test`,
    alias1: `${prefix}-${tag}-alee`,
    alias2: `${prefix}-${tag}-ann@corp.test`,
  })).response;
  const id = created.user_id;
  expectEqual("created username (Keycloak keeps usernames lower-case)", created.username, username);
  expectEqual("created alias1", created.alias1, `${prefix}-${tag}-alee`);
  expectEqual("created aliases.alias2", created.aliases?.alias2, `${prefix}-${tag}-ann@corp.test`);
  expectEqual("created alias3", created.alias3, null);
  expectEqual("created status", created.status, "active");
  expectEqual("created realname", created.realname, "Ann Lee");

  // Find by username, by an alias (Duo's username= matches aliases), in any case; nobody for another name.
  for (const name of [username, `${prefix}-${tag}-ALEE`, `${prefix}-${tag}-ann@corp.test`]) {
    const found = (await ok(client, "GET", "/admin/v1/users", { username: name })).response;
    expectEqual(`users found by username=${name}`, found.map((u) => u.user_id), [id]);
  }
  expectEqual("users found by an unknown name", (await ok(client, "GET", "/admin/v1/users", { username: `${prefix}-nobody` })).response, []);

  // Update (POST on the user) changes only what it sends.
  const updated = (await ok(client, "POST", `/admin/v1/users/${id}`, { realname: "Ann B. Lee", alias3: `${prefix}-${tag}-annb` })).response;
  expectEqual("updated realname", updated.realname, "Ann B. Lee");
  expectEqual("updated alias3", updated.alias3, `${prefix}-${tag}-annb`);
  expectEqual("alias1 kept by the update", updated.alias1, `${prefix}-${tag}-alee`);
  expectEqual("email kept by the update", updated.email, `${username}@corp.test`);

  // A group, the user added to it, the group renamed.
  const group = (await ok(client, "POST", "/admin/v1/groups", { name: `${tag} Eng`, desc: "Engineers" })).response;
  const gid = group.group_id;
  expectEqual("created group name", group.name, `${tag} Eng`);
  await ok(client, "POST", `/admin/v1/users/${id}/groups`, { group_id: gid });
  expectEqual("the user's groups", (await ok(client, "GET", `/admin/v1/users/${id}/groups`)).response.map((g) => g.group_id), [gid]);
  expectEqual("the group's users", (await ok(client, "GET", `/admin/v2/groups/${gid}/users`)).response.map((u) => u.user_id), [id]);
  const renamed = (await ok(client, "POST", `/admin/v1/groups/${gid}`, { name: `${tag} Engineering` })).response;
  expectEqual("renamed group", renamed.name, `${tag} Engineering`);
  expectEqual("group read after the rename", (await ok(client, "GET", `/admin/v2/groups/${gid}`)).response.name, `${tag} Engineering`);
  expectEqual("the user's group after the rename",
    (await ok(client, "GET", `/admin/v1/users/${id}`)).response.groups.map((g) => g.name), [`${tag} Engineering`]);

  // Bypass (rule 11: no second factor), read back.
  expectEqual("status set to bypass", (await ok(client, "POST", `/admin/v1/users/${id}`, { status: "bypass" })).response.status, "bypass");
  expectEqual("status read back", (await ok(client, "GET", `/admin/v1/users/${id}`)).response.status, "bypass");

  // A malformed parameter: Duo's 400 naming it, nothing written.
  const bad = await call(client, "POST", "/admin/v1/users", { username: `${prefix}-${tag}-bad`, status: "sleeping" });
  if (bad.stat !== "FAIL" || bad.code !== 40002 || !JSON.stringify(bad).includes("status")) fail("status=sleeping refused naming status", bad);
  expectEqual("nothing written by the refused create",
    (await ok(client, "GET", "/admin/v1/users", { username: `${prefix}-${tag}-bad` })).response, []);

  // Delete: Duo's API deletes at once; here the user goes to the trash and is gone from the API's reads.
  await ok(client, "DELETE", `/admin/v1/users/${id}`);
  const gone = await call(client, "GET", `/admin/v1/users/${id}`);
  if (gone.stat !== "FAIL" || gone.code !== 40401) fail("a deleted user is not found", gone);
  expectEqual("the deleted user is not listed", (await ok(client, "GET", "/admin/v1/users", { username })).response, []);

  // A wrong secret key: 401 with Duo's error JSON.
  const forged = await call(new duo.Client(ikey, skey.replace(/.$/, (c) => (c === "A" ? "B" : "A")), host, sigVersion),
    "GET", "/admin/v1/users", { limit: "1" });
  if (forged.stat !== "FAIL" || forged.code !== 40103) fail("a request signed with a wrong secret key is refused (40103)", forged);
  return id;
}

/** Over 250 users, listed page by page as a script does (limit 100, next_offset until none): each exactly once. */
async function paging() {
  const client = new duo.Client(ikey, skey, host);
  const before = (await ok(client, "GET", "/admin/v1/users", { limit: "1" })).metadata.total_objects;
  const mine = new Set();
  for (let i = 0; i < pagedUsers; i++) {
    const u = (await ok(client, "POST", "/admin/v1/users", { username: `${prefix}-page-${i}` })).response;
    mine.add(u.user_id);
  }
  const seen = new Set();
  let offset = 0;
  let pages = 0;
  while (offset !== undefined) {
    const page = await ok(client, "GET", "/admin/v1/users", { limit: "100", offset: String(offset) });
    expectEqual(`total_objects on page ${pages}`, page.metadata.total_objects, before + pagedUsers);
    if (page.response.length > 100) fail(`page ${pages} has more than the limit`, page.metadata);
    for (const u of page.response) {
      if (seen.has(u.user_id)) fail(`user ${u.user_id} listed twice`, page.metadata);
      seen.add(u.user_id);
    }
    offset = page.metadata.next_offset;
    pages++;
    if (pages > 50) fail("paging does not end", page.metadata);
  }
  expectEqual("users listed", seen.size, before + pagedUsers);
  for (const id of mine) if (!seen.has(id)) fail(`created user ${id} never listed`, {});
  expectEqual("pages for the users", pages, Math.ceil((before + pagedUsers) / 100));
  return pagedUsers;
}

const deletedUserIds = [await scenario(duo.SIGNATURE_VERSION_2, "v2"), await scenario(duo.SIGNATURE_VERSION_5, "v5")];
const paged = await paging();
console.error(`duo-client: ${calls} calls as expected`);
console.log(JSON.stringify({ deletedUserIds, pagedUsers: paged }));
