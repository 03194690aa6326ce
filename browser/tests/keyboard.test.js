// Posting an offer with the keyboard alone: Tab, Shift+Tab, Enter, Space and
// arrow keys. Every element that receives focus on the way must show it.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, openStory } = require('../lib/browser');
const app = require('../lib/app');
const { focusState } = require('../lib/checks');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * Press Tab until the focused element matches `want` (checked against its
 * id or accessible text), failing if any element on the way has no visible
 * focus indicator or if it takes more than `max` presses.
 */
async function tabTo(page, want, { max = 40, key = 'Tab' } = {}) {
  const seen = [];
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press(key);
    const f = await focusState(page);
    seen.push(`${f.tag}#${f.id} "${f.name.slice(0, 40)}"`);
    assert.ok(f.tag === 'body' || f.visible, `focus is not visible on ${seen.at(-1)} (${page.url()})`);
    const hit = typeof want === 'string' ? f.id === want : want.test(f.name);
    if (hit) return f;
  }
  throw new Error(`never reached ${want} with ${key}; focus went: ${seen.join(' → ')}`);
}

/** Press a key that leads to another page, and wait for it. */
async function pressAndWait(page, key) {
  const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
  return response;
}

test('een aanbod plaatsen met alleen het toetsenbord', async () => {
  const story = await openStory(browser, 'toetsenbord-aanbod-plaatsen');
  const { page, step } = story;
  await page.goto('/');

  // The first Tab reaches the skip link, which then shows on screen.
  const skip = await tabTo(page, /Naar de inhoud/, { max: 1 });
  assert.ok(skip.visible);
  const box = await page.locator('.skip-link').boundingBox();
  assert.ok(box && box.x >= 0 && box.y >= 0, 'the skip link is on screen when focused');
  await step('overslaan-link');

  await tabTo(page, /^Inloggen$/);
  await step('focus-op-inloggen');
  await pressAndWait(page, 'Enter');
  assert.equal(new URL(page.url()).pathname, '/inloggen');

  await tabTo(page, 'email');
  await page.keyboard.type(app.ROLES.organisatie);
  await tabTo(page, 'password', { max: 1 });
  await page.keyboard.type(app.DEMO_PASSWORD);
  await step('inlogformulier-ingevuld');
  await pressAndWait(page, 'Enter');
  await app.assertLoggedIn(page);

  await tabTo(page, /^Plaatsen$/);
  await step('focus-op-plaatsen');
  await pressAndWait(page, 'Enter');
  assert.equal(new URL(page.url()).pathname, '/items/nieuw');

  // Organisation (when the account has several), then the direction radios.
  let f = await tabTo(page, /^(Namens organisatie|Een vraag: wij zoeken iets)$/);
  if (f.id === 'organisation_id') f = await tabTo(page, /^Een vraag: wij zoeken iets$/, { max: 1 });
  assert.ok(f.checked, 'a request is preselected');
  await page.keyboard.press('ArrowDown');
  f = await focusState(page);
  assert.equal(f.id, 'direction-offer', 'the arrow key moves to the offer option');
  assert.ok(f.checked && f.visible);
  await step('aanbod-gekozen-met-pijltjestoets');

  await tabTo(page, 'category', { max: 1 });
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  f = await focusState(page);
  assert.equal(f.value, 'kennis', 'arrow keys choose a category');
  await step('categorie-gekozen');

  const title = `Workshop bedrijfsplan schrijven ${app.unique('kb').slice(-6)}`;
  await tabTo(page, 'title', { max: 2 });
  await page.keyboard.type(title);
  await tabTo(page, 'description', { max: 1 });
  await page.keyboard.type('Twee avonden uitleg over een bedrijfsplan voor startende vrijwilligersinitiatieven.');
  await tabTo(page, 'theme', { max: 1 });
  await page.keyboard.type('ondernemen');
  await tabTo(page, 'hours', { max: 1 });
  await page.keyboard.type('6');
  await tabTo(page, 'quantity', { max: 1 });
  f = await tabTo(page, /^Plaatsen$/, { max: 1 });
  assert.equal(f.tag, 'button');
  await step('formulier-ingevuld-focus-op-plaatsen');

  await pressAndWait(page, 'Space');
  const id = app.itemIdFromUrl(page.url());
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  assert.match(await app.main(page).innerText(), /Aanbod/);
  assert.match(await app.main(page).innerText(), /Kennis/);
  await step('aanbod-geplaatst');

  // And it is listed on Mijn Beursvloer.
  await page.goto('/mijn');
  await page.getByRole('table').getByRole('link', { name: title }).waitFor();
  assert.ok(id > 0);
  await story.finish();
});

test('een formulier met fouten: de foutensamenvatting leidt naar het veld', async () => {
  const story = await openStory(browser, 'toetsenbord-fouten-herstellen');
  const { page, step } = story;
  await app.login(page, 'organisatie');
  await page.goto('/items/nieuw');
  // Tab past the nav link "Plaatsen" to the form's button of the same name.
  let f = await tabTo(page, /^Plaatsen$/, { max: 60 });
  if (f.tag !== 'button') f = await tabTo(page, /^Plaatsen$/, { max: 60 });
  assert.equal(f.tag, 'button');
  await pressAndWait(page, 'Enter');
  await page.getByRole('alert').waitFor();
  await step('foutensamenvatting');
  // The summary's links come before any form field, and lead to the field.
  f = await tabTo(page, /categorie|titel/i, { max: 30 });
  assert.equal(f.tag, 'a', 'the summary links come before the form fields');
  const target = (await page.evaluate(() => document.activeElement.getAttribute('href'))).slice(1);
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.activeElement && document.activeElement.id === id, target);
  const field = await focusState(page);
  assert.ok(field.visible, `focus is visible on #${target}`);
  await step('focus-op-veld-met-fout');
  await story.finish();
});
