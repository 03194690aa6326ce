// The mail the app sent, as the test SMTP server received it: aiosmtpd's
// Mailbox handler writes every message to a Maildir (MAILDIR, set by
// scripts/browser-test.sh). Parsed with postal-mime (multipart/alternative,
// quoted-printable, base64, encoded headers), so a story reads what a
// participant's mail program would show.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');
const PostalMime = require('postal-mime');

const MAILDIR = process.env.MAILDIR || '';
const POLL_MS = 250;

/** Parsed messages by file name; a Maildir file never changes once it is in new/ or cur/. */
const parsed = new Map();

function maildirFiles() {
  const files = [];
  for (const sub of ['new', 'cur']) {
    const dir = path.join(MAILDIR, sub);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) files.push(path.join(dir, name));
  }
  return files;
}

/** The recipients of a message: the SMTP envelope (X-RcptTo, added by aiosmtpd) and the To header. */
function recipients(email) {
  const out = new Set();
  for (const h of email.headers) {
    if (h.key === 'x-rcptto') for (const a of h.value.split(',')) out.add(a.trim().toLowerCase());
  }
  for (const a of email.to || []) if (a.address) out.add(a.address.toLowerCase());
  return [...out];
}

/** Every message received so far: { file, to, subject, text, html, date }, oldest first. */
async function all() {
  assert.ok(MAILDIR, 'MAILDIR is not set: run the suite with scripts/browser-test.sh, which starts the SMTP server');
  for (const file of maildirFiles()) {
    const key = path.basename(file).split(':')[0];
    if (parsed.has(key)) continue;
    const email = await PostalMime.parse(fs.readFileSync(file));
    parsed.set(key, {
      file,
      to: recipients(email),
      subject: email.subject || '',
      text: email.text || '',
      html: email.html || '',
      date: email.date || '',
    });
  }
  return [...parsed.values()].sort((a, b) => a.file.localeCompare(b.file));
}

/** The messages to one address (case-insensitive). */
async function to(address) {
  const a = address.toLowerCase();
  return (await all()).filter((m) => m.to.includes(a));
}

/**
 * Wait until a message to `address` arrives for which `match(message)` holds
 * (default: any), polling the Maildir; fails after `timeout` ms. Messages in
 * `seen` (an array of earlier results) are skipped, so a story can wait for
 * the next one.
 */
async function waitFor(address, { match = () => true, timeout = 15_000, seen = [] } = {}) {
  const deadline = Date.now() + timeout;
  const skip = new Set(seen.map((m) => m.file));
  for (;;) {
    const found = (await to(address)).find((m) => !skip.has(m.file) && match(m));
    if (found) return found;
    if (Date.now() > deadline) {
      const got = (await to(address)).map((m) => `  ${m.subject}`).join('\n') || '  (none)';
      throw new Error(`no matching mail to ${address} within ${timeout} ms; mail to it so far:\n${got}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The personal links (/link/...) in a message's text part, as paths, in order. */
function links(message) {
  const found = [];
  for (const m of message.text.matchAll(/https?:\/\/[^\s<>"']+\/link\/[^\s<>"']+/g)) {
    found.push(new URL(m[0]).pathname);
  }
  return found;
}

/**
 * The personal link to a match in a message (`/link/{token}/matches/{id}`);
 * the HTML part must carry the same link.
 */
function matchLink(message, matchId) {
  const link = links(message).find((p) => p === `${p.split('/matches/')[0]}/matches/${matchId}`);
  assert.ok(link, `no personal link to match ${matchId} in "${message.subject}":\n${message.text}`);
  assert.match(link, /^\/link\/[A-Za-z0-9_-]{22,}\/matches\/\d+$/, 'the token has at least 128 bits');
  assert.ok(message.html.includes(link), 'the HTML part carries the same link');
  return link;
}

module.exports = { MAILDIR, all, to, waitFor, links, matchLink };
