// Amazon's own SMAPI clients against the simulator: the ASK CLI (`ask smapi ...`) and the
// Node SMAPI SDK (ask-smapi-sdk), both pinned in package.json, both authenticating with a
// refresh token through the simulator's Login with Amazon endpoint.
//
//   node tools/conformance/amazon_clients.mjs http://127.0.0.1:PORT
//
// Every command whose operation is one of the spec's twelve runs, and each answer is compared
// with the simulator's own state, read over plain HTTP with a token of the same vendor.
// Prints one `ok:` line per check and ends with `N passed, N failed`; exits 1 on a failure.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const base = process.argv[2];
if (!base) {
  console.error('usage: node amazon_clients.mjs http://127.0.0.1:PORT');
  process.exit(2);
}

// The simulator's seeded, fake credentials (printed by the simulator on start).
const CLIENT_ID = 'amzn1.application-oa2-client.simulator';
const CLIENT_SECRET = 'sim-client-secret';
const REFRESH_TOKEN = 'Atzr|sim-refresh-token';
const VENDOR = 'M1SIMVENDOR0001';

let passed = 0;
let failed = 0;
async function check(name, body) {
  try {
    await body();
    passed += 1;
    console.log(`ok: ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAILED: ${name}\n  ${String(e && e.stack ? e.stack : e).split('\n').join('\n  ')}`);
  }
}

// ---- the simulator's state, read directly --------------------------------------------------

async function directToken() {
  const r = await fetch(`${base}/auth/o2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      refresh_token: REFRESH_TOKEN,
    }),
  });
  assert.equal(r.status, 200);
  return (await r.json()).access_token;
}
const token = await directToken();
async function sim(path) {
  // Node's fetch sends `Accept-Language: *` unless told otherwise; the publishing operations
  // accept only en-US or ja-JP.
  const headers = { authorization: `Bearer ${token}`, 'accept-language': 'en-US' };
  const r = await fetch(`${base}${path}`, { headers });
  const text = await r.text();
  return { status: r.status, etag: r.headers.get('etag'), body: text ? JSON.parse(text) : null };
}
async function waitBuilt(id) {
  for (let i = 0; i < 200; i += 1) {
    const s = await sim(`/v1/skills/${id}/status?resource=manifest`);
    if (s.body.manifest.lastUpdateRequest.status !== 'IN_PROGRESS') return s.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`build of ${id} never finished`);
}
async function counters() {
  return (await fetch(`${base}/_sim/counters`)).json();
}

function manifest(name) {
  return {
    manifestVersion: '1.0',
    publishingInformation: {
      locales: { 'en-US': { name, summary: 'A skill made by an Amazon client.', examplePhrases: ['Alexa, open conformance'] } },
      isAvailableWorldwide: true,
      category: 'SMART_HOME',
    },
    privacyAndCompliance: { allowsPurchases: false, usesPersonalInfo: false, isChildDirected: false, isExportCompliant: true },
    apis: { custom: { endpoint: { uri: 'arn:aws:lambda:us-east-1:123456789012:function:conformance' } } },
    permissions: [{ name: 'alexa::devices:all:address:full:read' }],
  };
}
const inAMonth = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
const work = mkdtempSync(join(tmpdir(), 'smapi-conformance-'));

// ---- the ASK CLI ---------------------------------------------------------------------------

const askEnv = {
  ...process.env,
  // The CLI reads AWS credentials before its own; fake ones keep it off the AWS path.
  AWS_ACCESS_KEY_ID: 'AKIAFAKEFORSIMULATOR',
  AWS_SECRET_ACCESS_KEY: 'fake-secret-for-the-simulator',
  ASK_REFRESH_TOKEN: REFRESH_TOKEN,
  ASK_VENDOR_ID: VENDOR,
  ASK_LWA_CLIENT_ID: CLIENT_ID,
  ASK_LWA_CLIENT_CONFIRMATION: CLIENT_SECRET,
  ASK_LWA_TOKEN_HOST: base,
  ASK_SMAPI_SERVER_BASE_URL: base,
  ASK_SHARE_USAGE: 'false',
  ASK_SKIP_NEW_VERSION_REMINDER: 'true',
  HOME: work,
};
const askBin = join(here, 'node_modules', '.bin', 'ask');
const askCommands = [];
function ask(...args) {
  askCommands.push(args[0]);
  const out = execFileSync(askBin, ['smapi', ...args], { env: askEnv, encoding: 'utf8', timeout: 60000 });
  const text = out.trim();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const before = await counters();
let cliSkill;
await check('ask smapi create-skill-for-vendor: the skill exists in the simulator', async () => {
  const file = join(work, 'create.json');
  writeFileSync(file, JSON.stringify({ vendorId: VENDOR, manifest: manifest('CLI skill') }));
  const out = ask('create-skill-for-vendor', '--manifest', `file:${file}`);
  cliSkill = out.skillId;
  assert.match(cliSkill, /^amzn1\.ask\.skill\./);
  const stored = await sim(`/v1/skills/${cliSkill}/stages/development/manifest`);
  assert.equal(stored.status, 200);
  assert.deepEqual(stored.body.manifest, manifest('CLI skill'));
});
await check('ask smapi get-skill-status: equals the simulator\'s status', async () => {
  const state = await waitBuilt(cliSkill);
  assert.equal(state.manifest.lastUpdateRequest.status, 'SUCCEEDED');
  assert.deepEqual(ask('get-skill-status', '-s', cliSkill, '--resource', 'manifest'), state);
});
let etag;
await check('ask smapi get-skill-manifest -g development: equals the simulator\'s manifest', async () => {
  const state = await sim(`/v1/skills/${cliSkill}/stages/development/manifest`);
  etag = state.etag;
  assert.deepEqual(ask('get-skill-manifest', '-s', cliSkill, '-g', 'development'), state.body);
});
await check('ask smapi update-skill-manifest --if-match: the simulator holds the new manifest', async () => {
  const file = join(work, 'update.json');
  writeFileSync(file, JSON.stringify({ manifest: manifest('CLI skill v2') }));
  ask('update-skill-manifest', '-s', cliSkill, '-g', 'development', '--if-match', etag, '--manifest', `file:${file}`);
  const stored = await sim(`/v1/skills/${cliSkill}/stages/development/manifest`);
  assert.deepEqual(stored.body.manifest, manifest('CLI skill v2'));
  assert.notEqual(stored.etag, etag);
  await waitBuilt(cliSkill);
});
await check('ask smapi list-skills-for-vendor: equals the simulator\'s listing', async () => {
  const state = await sim(`/v1/skills?vendorId=${VENDOR}`);
  const out = ask('list-skills-for-vendor');
  // The CLI prints the listing without HAL `_links`; everything else must be equal.
  const plain = (skills) => skills.map(({ _links, ...rest }) => rest);
  assert.deepEqual(plain(out.skills), plain(state.body.skills));
  const one = ask('list-skills-for-vendor', '-s', cliSkill);
  assert.deepEqual(one.skills.map((s) => s.skillId), [cliSkill]);
});
await check('ask smapi publish-skill --publishes-at-date: the simulator schedules it at that date', async () => {
  ask('publish-skill', '-s', cliSkill, '--accept-language', 'en-US', '--publishes-at-date', inAMonth);
  const state = await sim(`/v1/skills/${cliSkill}/publications/~latest`);
  assert.equal(state.body.status, 'SCHEDULED');
  assert.equal(Date.parse(state.body.publishesAtDate), Date.parse(inAMonth));
});
await check('ask smapi get-skill-publications: equals the simulator\'s publication', async () => {
  const state = await sim(`/v1/skills/${cliSkill}/publications/~latest`);
  assert.deepEqual(ask('get-skill-publications', '-s', cliSkill, '--accept-language', 'en-US'), state.body);
});
await check('ask smapi get-skill-manifest -g certified: equals the simulator\'s certified stage', async () => {
  const state = await sim(`/v1/skills/${cliSkill}/stages/certified/manifest`);
  assert.equal(state.status, 200);
  assert.deepEqual(state.body.manifest, manifest('CLI skill v2'));
  assert.deepEqual(ask('get-skill-manifest', '-s', cliSkill, '-g', 'certified'), state.body);
});
await check('ask smapi get-resource-schema: a working presigned URL to the manifest schema', async () => {
  const out = ask('get-resource-schema', '--resource', 'manifest', '--operation', 'CREATE_SKILL');
  assert.ok(Date.parse(out.expiryTime) > Date.now());
  const doc = await (await fetch(out.schemaLocationUrl)).json();
  assert.equal(doc.type, 'object');
  assert.ok(doc.properties.publishingInformation);
});
await check('ask smapi delete-skill: the simulator no longer has the skill', async () => {
  ask('delete-skill', '-s', cliSkill);
  assert.equal((await sim(`/v1/skills/${cliSkill}/status`)).status, 404);
});
await check('the ASK CLI logged in through the simulator\'s LWA (JSON body)', async () => {
  const after = await counters();
  assert.ok(after.refreshes > before.refreshes, 'no refresh grant');
  assert.ok(after.tokenJsonBodies > before.tokenJsonBodies, 'the CLI sent no JSON token request');
});

// ---- the Node SMAPI SDK --------------------------------------------------------------------

const Smapi = require('ask-smapi-sdk');
const sdk = new Smapi.CustomSmapiClientBuilder()
  .withApiEndpoint(base)
  .withAuthEndpoint(base)
  .withRefreshTokenConfig({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN })
  .client();
const sdkCalls = [];
async function call(name, ...args) {
  sdkCalls.push(name);
  return sdk[name](...args);
}

const beforeSdk = await counters();
let sdkSkill;
await check('SDK createSkillForVendorV1: the skill exists in the simulator', async () => {
  const out = await call('createSkillForVendorV1', { vendorId: VENDOR, manifest: manifest('SDK skill') });
  sdkSkill = out.skillId;
  const stored = await sim(`/v1/skills/${sdkSkill}/stages/development/manifest`);
  assert.deepEqual(stored.body.manifest, manifest('SDK skill'));
});
await check('SDK getSkillStatusV1: equals the simulator\'s status', async () => {
  const state = await waitBuilt(sdkSkill);
  assert.deepEqual(await call('getSkillStatusV1', sdkSkill, 'manifest'), state);
});
await check('SDK getSkillManifestV1 + updateSkillManifestV1 with If-Match', async () => {
  const state = await sim(`/v1/skills/${sdkSkill}/stages/development/manifest`);
  assert.deepEqual(await call('getSkillManifestV1', sdkSkill, 'development'), state.body);
  await call('updateSkillManifestV1', sdkSkill, 'development', { manifest: manifest('SDK skill v2') }, state.etag);
  const after = await sim(`/v1/skills/${sdkSkill}/stages/development/manifest`);
  assert.deepEqual(after.body.manifest, manifest('SDK skill v2'));
  await waitBuilt(sdkSkill);
});
await check('SDK listSkillsForVendorV1: equals the simulator\'s listing', async () => {
  const state = await sim(`/v1/skills?vendorId=${VENDOR}&maxResults=5`);
  const out = await call('listSkillsForVendorV1', VENDOR, undefined, 5);
  assert.deepEqual(out.skills, state.body.skills);
  const one = await call('listSkillsForVendorV1', VENDOR, undefined, undefined, [sdkSkill]);
  assert.deepEqual(one.skills.map((s) => s.skillId), [sdkSkill]);
});
await check('SDK publishSkillV1 + getSkillPublicationsV1: scheduled at publishesAtDate', async () => {
  await call('publishSkillV1', sdkSkill, 'en-US', { publishesAtDate: inAMonth });
  const state = await sim(`/v1/skills/${sdkSkill}/publications/~latest`);
  assert.equal(state.body.status, 'SCHEDULED');
  assert.equal(Date.parse(state.body.publishesAtDate), Date.parse(inAMonth));
  assert.deepEqual(await call('getSkillPublicationsV1', sdkSkill, 'en-US'), state.body);
});
await check('SDK getSkillManifestV1 certified: equals the simulator\'s certified stage', async () => {
  const state = await sim(`/v1/skills/${sdkSkill}/stages/certified/manifest`);
  assert.equal(state.status, 200);
  assert.deepEqual(await call('getSkillManifestV1', sdkSkill, 'certified'), state.body);
});
await check('SDK getResourceSchemaV1: a working presigned URL', async () => {
  const out = await call('getResourceSchemaV1', 'manifest', VENDOR, 'SUBMIT_SKILL');
  const doc = await (await fetch(out.schemaLocationUrl)).json();
  assert.ok(doc.required.includes('privacyAndCompliance'));
});
await check('SDK deleteSkillV1: the simulator no longer has the skill', async () => {
  await call('deleteSkillV1', sdkSkill);
  assert.equal((await sim(`/v1/skills/${sdkSkill}/status`)).status, 404);
});
await check('the SDK logged in through the simulator\'s LWA (form body, /auth/O2/token)', async () => {
  const after = await counters();
  assert.ok(after.refreshes > beforeSdk.refreshes, 'no refresh grant');
  assert.ok(after.tokenFormBodies > beforeSdk.tokenFormBodies, 'no form token request');
});

console.log(`ask smapi commands run: ${[...new Set(askCommands)].join(', ')}`);
console.log(`ask-smapi-sdk calls made: ${[...new Set(sdkCalls)].join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
