// The main stories through the real UI, once with JavaScript and once without.
// A screenshot per step lands in test-artifacts/screenshots/<story>/.
// New stories: add a test() in the loop below, using lib/app.js helpers
// (login(page, 'makelaar'), register, postItem, search) and story.step().
'use strict';

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, openStory } = require('../lib/browser');
const app = require('../lib/app');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const js of [true, false]) {
  const mode = js ? 'met JavaScript' : 'zonder JavaScript';

  describe(mode, () => {
    test('een nieuwe organisatie registreert, plaatst een vraag, vindt hem en ziet suggesties; uit- en weer inloggen', async () => {
      const story = await openStory(browser, 'registreren-en-vraag-plaatsen', { js });
      const { page, step } = story;

      await page.goto('/');
      await step('startpagina');

      const account = await app.register(page);
      assert.equal(new URL(page.url()).pathname, '/mijn', 'after registering you land on Mijn Beursvloer');
      await app.assertLoggedIn(page);
      await page.getByRole('heading', { name: 'Mijn Beursvloer' }).waitFor();
      await step('geregistreerd');

      await page.getByRole('link', { name: 'Vraag plaatsen' }).click();
      await page.waitForURL(/\/items\/nieuw/);
      assert.ok(await page.getByLabel('Een vraag: wij zoeken iets').isChecked(), "'Vraag plaatsen' preselects a request");
      await step('formulier-vraag-plaatsen');

      const title = `Laptops voor onze huiswerkklas ${account.orgName.slice(-6)}`;
      const id = await app.postItem(page, {
        direction: 'request',
        category: 'Materiaal',
        title,
        description: 'Kinderen die thuis geen computer hebben, maken hun huiswerk bij ons. Wij zoeken twee of drie laptops.',
        theme: 'onderwijs',
        quantity: '3 laptops',
      });
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      await step('vraag-geplaatst');

      // Singular search finds the plural title.
      await app.search(page, 'laptop');
      const results = app.main(page).getByRole('link', { name: title });
      await results.waitFor();
      assert.match(await page.getByRole('status').innerText(), /resultat?e?n?.*laptop/);
      await step('gevonden-met-enkelvoud');

      await app.submit(page, results);
      assert.equal(new URL(page.url()).pathname, `/items/${id}`);
      const suggestions = page.getByRole('region', { name: 'Aanbod dat hierbij past' });
      await suggestions.waitFor();
      const cards = suggestions.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3 }) });
      assert.ok(await cards.count() >= 1, 'an offer that fits is suggested');
      await suggestions.getByRole('link', { name: /laptops/i }).first().waitFor();
      await suggestions.getByRole('list', { name: 'Waarom dit past' }).first().waitFor();
      await step('suggesties-bij-de-vraag');

      await page.goto('/mijn');
      await page.getByRole('table').getByRole('link', { name: title }).waitFor();
      await step('mijn-beursvloer-met-vraag');

      await app.logout(page);
      assert.equal(new URL(page.url()).pathname, '/');
      await step('uitgelogd');

      await page.goto('/mijn');
      assert.equal(new URL(page.url()).pathname, '/inloggen', 'Mijn Beursvloer asks to log in');
      await app.loginWith(page, account.email, account.password);
      await app.assertLoggedIn(page);
      await page.goto('/mijn');
      await page.getByRole('table').getByRole('link', { name: title }).waitFor();
      await step('weer-ingelogd');

      await story.finish();
    });

    test('inloggen met een demo-rol en een fout wachtwoord', async () => {
      const story = await openStory(browser, 'inloggen', { js });
      const { page, step } = story;
      await app.loginWith(page, app.ROLES.organisatie, 'fout wachtwoord');
      await page.getByRole('alert').waitFor();
      assert.equal(await page.getByLabel('E-mailadres').inputValue(), app.ROLES.organisatie, 'the email address stays filled in');
      await step('fout-wachtwoord');
      await app.login(page, 'organisatie');
      await step('ingelogd-als-organisatie');
      await story.finish();
    });
  });
}
