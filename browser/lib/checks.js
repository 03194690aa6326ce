// Checks run on a page: axe-core with the WCAG 2.0/2.1 A and AA rules and its
// best-practice rules (unique landmarks, heading order, ...), the served HTML
// kept for the Nu HTML Checker (the current vnu.jar from the vnu-jar npm
// package), and whether focus can be seen.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ARTIFACTS, slug } = require('./browser');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const HTML_DIR = path.join(ARTIFACTS, 'html');
/** HTML of pages reached only through a story (validated by stories.test.js). */
const STORY_HTML_DIR = path.join(ARTIFACTS, 'html-verhalen');

/**
 * Run axe-core on the page as it is now. Injected over the DevTools protocol
 * (not a <script> tag), so the app's CSP stays in force. Returns violations.
 */
async function axe(page) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
      .then((r) => r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
      }))),
    WCAG_TAGS,
  );
}

function formatViolations(label, violations) {
  return violations
    .map((v) => `[${label}] ${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.join('\n  ')}`)
    .join('\n');
}

/** Keep the HTML exactly as the server sent it, for the Nu HTML Checker later. */
function saveHtml(label, html, dir = HTML_DIR) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${slug(label)}.html`);
  fs.writeFileSync(file, html);
  return file;
}

function clearHtml(dir = HTML_DIR) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

/**
 * Fetch the page's current address again with the page's cookies (a GET, so
 * only for pages reached by a link or redirect) and keep the HTML as served.
 */
async function saveServedHtml(page, label, dir = STORY_HTML_DIR) {
  const response = await page.context().request.get(page.url());
  if (!/^text\/html/.test(response.headers()['content-type'] || '')) {
    throw new Error(`${page.url()} is not HTML`);
  }
  return saveHtml(label, await response.text(), dir);
}

/**
 * Run the Nu HTML Checker over the saved pages: the vnu.jar of the pinned
 * vnu-jar package (the checker's current release), warnings included, so a
 * skipped heading level fails too. Returns its output and status.
 */
function validateHtml(dir = HTML_DIR) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.html')).map((f) => path.join(dir, f));
  const vnu = String(require('vnu-jar'));
  const run = spawnSync(process.env.JAVA || 'java', ['-jar', vnu, '--format', 'text', '--Werror', ...files], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim(), files };
}

/** What has focus now, and whether it shows a visible focus indicator. */
async function focusState(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body', visible: false, name: '' };
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow && style.boxShadow !== 'none';
    const onScreen = rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.bottom > 0
      && rect.left < window.innerWidth + window.scrollX && rect.top < document.documentElement.scrollHeight;
    const label = el.labels && el.labels[0] ? el.labels[0].textContent : '';
    return {
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute('type') || '',
      id: el.id,
      name: (label || el.getAttribute('aria-label') || el.textContent || el.value || '').replace(/\s+/g, ' ').trim(),
      value: 'value' in el ? el.value : '',
      checked: !!el.checked,
      visible: onScreen && (outline || shadow) && el.matches(':focus-visible'),
    };
  });
}

module.exports = {
  axe, formatViolations, saveHtml, saveServedHtml, clearHtml, validateHtml, focusState, WCAG_TAGS, HTML_DIR, STORY_HTML_DIR,
};
