// Phone first and the projector: what a visitor sees in the first screen at
// 375 × 812, targets of at least 44 px, tables that become lists, charts that
// stay readable, dates the Dutch way, and the live screen at 1920 × 1080.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, openStory } = require('../lib/browser');
const app = require('../lib/app');

const PHONE = { width: 375, height: 812 };
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function phone(name, role) {
  const story = await openStory(browser, name, { viewport: PHONE });
  if (role) await app.login(story.page, role);
  await story.page.setViewportSize(PHONE);
  return story;
}

const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('telefoon: de startpagina laat onder de zoekbalk al vraag en aanbod zien', async () => {
  const story = await phone('telefoon startpagina');
  const { page } = story;
  await page.goto('/');
  const hero = await page.locator('.hero').boundingBox();
  assert.ok(hero.y + hero.height < PHONE.height * 0.6, `the hero ends at ${hero.y + hero.height}px, within 60% of the first screen`);
  await story.step('startpagina');
  await story.finish();
});

test('telefoon: op de markt staan de filters achter één knop Filteren en de eerste kaart in beeld', async () => {
  const story = await phone('telefoon markt');
  const { page } = story;
  await page.goto('/markt');
  const toggle = page.locator('summary', { hasText: 'Filteren' });
  assert.ok(await toggle.isVisible(), 'one Filteren control');
  assert.equal(await page.getByLabel('Categorie').isVisible(), false, 'the filters are folded away');
  const card = await page.locator('.card').first().boundingBox();
  assert.ok(card.y < PHONE.height - 80, `the first result starts at ${card.y}px, in the first screen`);
  const first = page.locator('.card').first();
  assert.ok(await first.locator('.snippet').count(), 'a card shows a snippet');
  assert.match(await first.locator('.posted').innerText(), /^\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) \d{4}$/);
  const target = await toggle.boundingBox();
  assert.ok(target.height >= 44, `the Filteren control is ${target.height}px high`);
  await toggle.click();
  assert.ok(await page.getByLabel('Categorie').isVisible(), 'Filteren opens the filters');
  await story.step('filters open');
  assert.equal(await sideways(page), 0);
  await story.finish();
});

test('geen ISO-datum op de startpagina, de markt, een item en een beursvloer', async () => {
  const story = await phone('telefoon datums');
  const { page } = story;
  await page.goto('/markt');
  const item = await page.locator('.card h3 a').first().getAttribute('href');
  for (const path of ['/', '/markt', item, `/beursvloeren/${app.DEMO_EVENT}`]) {
    await page.goto(path);
    const text = await page.locator('body').innerText();
    assert.doesNotMatch(text, /\b\d{4}-\d{2}-\d{2}\b/, `${path} shows an ISO date`);
    const html = await page.content();
    assert.doesNotMatch(html, /\b\d{4}-\d{2}-\d{2}\b/, `${path} has an ISO date in its HTML`);
  }
  await story.finish();
});

test('telefoon: de werkplaats schuift niet opzij en de vinkjes zijn 44 px', async () => {
  const story = await phone('telefoon werkplaats', 'makelaar');
  const { page } = story;
  await page.goto(`/beursvloeren/${app.DEMO_EVENT}/werkplaats`);
  await story.step('werkplaats');
  assert.equal(await sideways(page), 0, 'no sideways scrolling');
  const region = page.getByRole('region', { name: 'Voorstellen', exact: true });
  if (await region.count()) {
    const overflow = await region.evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(overflow <= 0, `the queue scrolls sideways by ${overflow}px`);
    const pick = await page.locator('table.queue .pick').first().boundingBox();
    assert.ok(pick.height >= 44 && pick.width >= 44, `the pick target is ${pick.width}×${pick.height}`);
    const box = await page.locator('table.queue input[type=checkbox]').first().boundingBox();
    assert.ok(box.width >= 24, `the checkbox is ${box.width}px`);
  }
  await story.finish();
});

test('telefoon: het dashboard begint met tegels, de grafieken zijn leesbaar en de tabellen klappen uit', async () => {
  const story = await phone('telefoon cijfers', 'gemeente');
  const { page } = story;
  await page.goto('/cijfers');
  const tiles = page.locator('.tiles .tile');
  // Six key figures and the lasting partnerships (issue 19).
  assert.equal(await tiles.count(), 7);
  assert.match(await tiles.last().innerText(), /samenwerking/i);
  const headline = await page.locator('.tile.headline').boundingBox();
  assert.ok(headline.y < PHONE.height / 2, 'the social value is in the first half of the screen');
  assert.match(await page.locator('.tile.headline .value').innerText(), /^€ \d{1,3}(\.\d{3})*$/);
  const size = await page.locator('svg.chart text').first().evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(size >= 11, `chart text is ${size}px high at 375px`);
  const table = page.locator('#tabel-status');
  assert.equal(await table.isVisible(), false, 'the table behind a chart is folded');
  await page.locator('details:has(#tabel-status) > summary').click();
  assert.ok(await table.isVisible(), 'and folds out');
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(height < 7277, `the dashboard is ${height}px long on a phone`);
  await story.step('cijfers');
  await story.finish();
});

test('beamer: het live-scherm vult 1920 × 1080 met de teller en de laatste matches', async () => {
  const story = await openStory(browser, 'beamer live', { viewport: { width: 1920, height: 1080 } });
  const { page } = story;
  await page.goto(`/beursvloer/${app.DEMO_EVENT}/live`);
  const screen = await page.locator('.live-screen').boundingBox();
  assert.ok(screen.width >= 1900, `the screen uses ${screen.width}px of 1920`);
  const number = await page.locator('#live-count').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(number >= 300, `the counter is ${number}px`);
  const ticker = await page.locator('#live-ticker').boundingBox();
  assert.ok(ticker.y + Math.min(ticker.height, 200) <= 1080, 'the ticker is above the fold');
  assert.match(await page.locator('.live-value').innerText(), /uur.*€ \d/);
  await story.step('live');
  await story.finish();
});
