// What a user does on Beursvloer, written once and used by every story:
// signing in with a demo role, registering, posting, searching.
// Everything goes through the real UI (links, fields, buttons), so it works
// with JavaScript on and off.
'use strict';

const mail = require('./mail');

const assert = require('node:assert/strict');

const DEMO_PASSWORD = 'beursvloer-demo';
/** Demo logins from the README, by role. */
const ROLES = {
  organisatie: 'organisatie@demo.beursvloer.nl',
  bedrijf: 'bedrijf@demo.beursvloer.nl',
  makelaar: 'makelaar@demo.beursvloer.nl',
  gemeente: 'gemeente@demo.beursvloer.nl',
  admin: 'admin@demo.beursvloer.nl',
};

let counter = 0;
/** A value unique within this test run (the database is fresh per run). */
function unique(prefix = 'test') {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

const main = (page) => page.locator('main');

/** Submit the form that holds `button` and wait for the page that follows. */
async function submit(page, button) {
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  return response;
}

/** Sign in with an email address and password through the login form. */
async function loginWith(page, email, password) {
  await page.goto('/inloggen');
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  return submit(page, main(page).getByRole('button', { name: 'Inloggen' }));
}

/** Sign in as one of the demo roles: organisatie, bedrijf, makelaar, gemeente, admin. */
async function login(page, role) {
  const email = ROLES[role];
  assert.ok(email, `unknown demo role ${role}`);
  await loginWith(page, email, DEMO_PASSWORD);
  await assertLoggedIn(page);
}

async function assertLoggedIn(page) {
  await page.getByRole('button', { name: /Uitloggen/ }).waitFor();
}

async function logout(page) {
  await submit(page, page.getByRole('button', { name: /Uitloggen/ }));
  await page.getByRole('link', { name: 'Inloggen' }).first().waitFor();
}

/** A new account with a new organisation; returns what was filled in. */
async function register(page, overrides = {}) {
  const id = unique('org');
  const data = {
    name: 'Sanne de Vries',
    email: `${id}@example.nl`,
    password: 'een lange zin als wachtwoord',
    orgName: `Buurthuis De Kern ${id}`,
    kind: 'Vrijwilligersorganisatie',
    municipality: 'Raalte',
    postcode: '8102',
    ...overrides,
  };
  await page.goto('/registreren');
  await page.getByLabel('Je naam').fill(data.name);
  await page.getByLabel('E-mailadres').fill(data.email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(data.password);
  await page.getByLabel('Naam van de organisatie').fill(data.orgName);
  await page.getByLabel('Soort organisatie').selectOption({ label: data.kind });
  await page.getByLabel('Gemeente', { exact: true }).selectOption({ label: data.municipality });
  await page.getByLabel('Postcode (niet verplicht)').fill(data.postcode);
  await submit(page, main(page).getByRole('button', { name: 'Account aanmaken' }));
  // The same answer for a new and a taken address: the rest goes by mail.
  await main(page).getByText('Kijk in je mail').first().waitFor();
  const message = await mail.waitFor(data.email, { match: (m) => /\/registreren\/bevestigen/.test(m.text) });
  const link = message.text.match(/https?:\/\/\S+\/registreren\/bevestigen\S*/);
  assert.ok(link, `a confirmation link in:\n${message.text}`);
  await page.goto(new URL(link[0]).pathname + new URL(link[0]).search);
  await submit(page, main(page).getByRole('button', { name: 'Bevestigen en inloggen' }));
  return data;
}

/** Post a request or an offer through /items/nieuw; returns its id. */
async function postItem(page, item) {
  const data = { direction: 'request', category: 'Materiaal', description: '', ...item };
  await page.goto('/items/nieuw');
  await page
    .getByLabel(data.direction === 'offer' ? 'Aanbod: wij bieden iets aan' : 'Een vraag: wij zoeken iets')
    .check();
  await page.getByLabel('Categorie').selectOption({ label: data.category });
  await page.getByLabel('Titel').fill(data.title);
  await page.getByLabel('Beschrijving').fill(data.description);
  if (data.theme) await page.getByLabel('Thema (niet verplicht)').fill(data.theme);
  if (data.hours) await page.getByLabel('Geschatte uren (niet verplicht)').fill(String(data.hours));
  if (data.quantity) await page.getByLabel('Hoeveelheid (niet verplicht)').fill(data.quantity);
  await submit(page, main(page).getByRole('button', { name: 'Plaatsen' }));
  return itemIdFromUrl(page.url());
}

function itemIdFromUrl(url) {
  const m = new URL(url).pathname.match(/^\/items\/(\d+)$/);
  assert.ok(m, `expected an item page, got ${url}`);
  return Number(m[1]);
}

/** Search from the search box on /markt. */
async function search(page, words) {
  await page.goto('/markt');
  await page.getByLabel('Zoekwoorden').fill(words);
  await submit(page, main(page).getByRole('button', { name: 'Zoeken', exact: true }));
}

/** The first link in main whose href matches, as an absolute path. */
async function firstHref(page, pattern, scope = main(page)) {
  const hrefs = await scope.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const href = hrefs.find((h) => pattern.test(h));
  assert.ok(href, `no link matching ${pattern} on ${page.url()}`);
  return href;
}

/** The demo event (Raalte, status open) and its municipality. */
const DEMO_EVENT = 'raalte-2027';

/** Register the signed-in user's organisation for an event, with the 'Aanmelden' button on its page. */
async function registerForEvent(page, key = DEMO_EVENT) {
  await page.goto(`/beursvloeren/${key}`);
  await submit(page, main(page).getByRole('region', { name: 'Meedoen' }).getByRole('button', { name: 'Aanmelden' }));
  await main(page).getByText('Jullie doen mee aan deze beursvloer.').waitFor();
}

function matchIdFromUrl(url) {
  const m = new URL(url).pathname.match(/^\/matches\/(\d+)$/);
  assert.ok(m, `expected a match page, got ${url}`);
  return Number(m[1]);
}

/** A Dutch whole number as shown on the site ("1.234") as a number. */
function dutchNumber(text) {
  const n = Number(String(text).replace(/[.\s]/g, ''));
  assert.ok(Number.isInteger(n), `not a number: ${text}`);
  return n;
}

/**
 * A count in the key figures of the gemeente dashboard, by the start of its
 * row's heading; `/cijfers` leads a gemeente viewer with one municipality
 * straight to its figures.
 */
async function dashboardCount(page, rowHeading, { edition = DEMO_EVENT } = {}) {
  await page.goto('/cijfers');
  if (edition) {
    await page.getByLabel('Editie', { exact: true }).selectOption(edition);
    await submit(page, main(page).getByRole('button', { name: 'Toon cijfers' }));
  }
  // The table behind the tiles is folded (<details>): open it as a reader would.
  const details = page.locator('details:has(#tabel-kerncijfers)');
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  const row = page.locator('#tabel-kerncijfers tr').filter({ has: page.getByRole('rowheader', { name: rowHeading }) });
  assert.equal(await row.count(), 1, `one key figure ${rowHeading}`);
  return dutchNumber(await row.locator('td').first().innerText());
}

/** The gemeente dashboard's count of made (confirmed) matches. */
function dashboardConfirmedCount(page, options) {
  return dashboardCount(page, /^Gemaakte matches/, options);
}

/** The gemeente dashboard's count of signed matches (matchformulier confirmed by both parties). */
function dashboardSignedCount(page, options) {
  return dashboardCount(page, /^Getekend/, options);
}

/** The number on the live screen of an event, as shown now. */
async function liveCount(page) {
  return dutchNumber(await page.locator('#live-count').innerText());
}

/** How many of those the live screen shows as signed ("N daarvan getekend"). */
async function liveSignedCount(page) {
  return dutchNumber(await page.locator('#live-signed').innerText());
}

module.exports = {
  DEMO_EVENT,
  registerForEvent,
  matchIdFromUrl,
  dutchNumber,
  dashboardCount,
  dashboardConfirmedCount,
  dashboardSignedCount,
  liveCount,
  liveSignedCount,
  DEMO_PASSWORD,
  ROLES,
  unique,
  main,
  submit,
  login,
  loginWith,
  assertLoggedIn,
  logout,
  register,
  postItem,
  itemIdFromUrl,
  search,
  firstHref,
};
