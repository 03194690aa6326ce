// Launching Debian's Chromium through playwright-core, and pages that keep
// screenshots of every step of a story.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:3000').replace(/\/$/, '');
const ARTIFACTS = process.env.ARTIFACTS_DIR || path.resolve(__dirname, '..', '..', 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 60_000 });
}

/** The slug used for folder and file names. */
function slug(text) {
  return String(text)
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

/** A fresh context (own cookies) with one page; with `js: false` proven to run no scripts. */
async function newSession(browser, { js, viewport }, problems) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    javaScriptEnabled: js,
    viewport,
    locale: 'nl-NL',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  if (!js) {
    // Make sure the switch really works: an inline script must not run.
    await page.setContent('<p id="probe">off</p><script>document.getElementById("probe").textContent = "on"</script>');
    if ((await page.textContent('#probe')) !== 'off') throw new Error('JavaScript is still enabled');
  }
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return { context, page };
}

/**
 * A fresh context (own cookies) and page. `js: false` turns JavaScript off.
 * `step(label)` takes a numbered full-page screenshot and, with JavaScript on,
 * runs axe-core (WCAG 2.0/2.1 A+AA) on the page as the story left it, so
 * pages reached only through a story are checked too (`axe: false` to skip).
 * `actor()` opens another person's browser (own context and cookies, same
 * settings) for stories with several people; `step(label, { page })`
 * screenshots that one, numbered in the same story folder (`axe: false`
 * skips axe for a page that pages.test.js already checks).
 * `finish()` closes the contexts and fails on any axe violation seen at a
 * step, and on any CSP violation or uncaught error the browser reported;
 * `takeProblems()` hands over (and clears) what was reported so far.
 */
async function openStory(browser, name, { js = true, axe: runAxe = js, viewport = { width: 1024, height: 800 } } = {}) {
  const problems = [];
  const first = await newSession(browser, { js, viewport }, problems);
  const contexts = [first.context];
  const page = first.page;
  const dir = path.join(ARTIFACTS, 'screenshots', slug(name) + (js ? '' : '-zonder-js'));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let n = 0;
  return {
    page,
    context: first.context,
    js,
    /** Another person's browser: a page in a context of its own. */
    async actor() {
      const other = await newSession(browser, { js, viewport }, problems);
      contexts.push(other.context);
      return other.page;
    },
    /** Screenshot of the page as it is now, numbered in story order. */
    async step(label, { page: target = page, axe: stepAxe = true } = {}) {
      n += 1;
      const file = path.join(dir, `${String(n).padStart(2, '0')}-${slug(label)}.png`);
      await target.screenshot({ path: file, fullPage: true });
      if (runAxe && stepAxe) {
        const { axe, formatViolations } = require('./checks');
        const violations = await axe(target);
        if (violations.length) problems.push(formatViolations(`${name}: ${label} (${target.url()})`, violations));
      }
      return file;
    },
    /**
     * The CSP violations, uncaught script errors and axe findings reported
     * since the last call, and forget them: for a page reused by several
     * checks (pages.test.js), each check takes its own.
     */
    takeProblems() {
      return problems.splice(0, problems.length);
    },
    async finish() {
      for (const c of contexts) await c.close();
      if (problems.length) throw new Error(`browser reported:\n${problems.join('\n')}`);
    },
  };
}

module.exports = { BASE_URL, ARTIFACTS, launch, openStory, slug };
