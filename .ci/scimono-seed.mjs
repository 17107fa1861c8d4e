// Seeds the SCIMono directory (target.json from scimono-setup.mjs) with users and a group through its SCIM
// endpoint, so that SCIMono's second pass runs the tests it skips on an empty server
// (@EnableOn...BackendState(WITH_INITIAL_EXISTING_RESOURCES): paging, filters, GET 200).
import { readFileSync } from 'node:fs';

const { baseUrl, token } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const headers = { 'Content-Type': 'application/scim+json', Authorization: `Bearer ${token}` };

async function post(path, body) {
  const res = await fetch(baseUrl + path, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

// More than 3 of each: SCIMono's paging tests page by 3 and need more than one page.
const ids = [];
for (const [name, given, family, org] of [['seed.ada', 'Ada', 'Lovelace', 'Analytical'],
  ['seed.alan', 'Alan', 'Turing', 'Bletchley'], ['seed.grace', 'Grace', 'Hopper', 'Navy'],
  ['seed.edsger', 'Edsger', 'Dijkstra', 'Eindhoven'], ['seed.barbara', 'Barbara', 'Liskov', 'MIT']]) {
  const user = await post('/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    userName: name,
    name: { givenName: given, familyName: family },
    emails: [{ value: `${name}@seed.test`, type: 'work', primary: true }],
    active: true,
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { organization: org },
  });
  ids.push(user.id);
}
const groups = ['Seed Pioneers', 'Seed Analysts', 'Seed Navy', 'Seed Codebreakers', 'Seed Theorists'];
for (let i = 0; i < groups.length; i++) {
  await post('/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: groups[i],
    members: ids.filter((_, j) => j <= i).map((value) => ({ value })),
  });
}
console.log(`[scimono] seeded ${ids.length} users and ${groups.length} groups`);
