// The console's router: the page is named by the URL's hash (#/streams, #/streams/<s>,
// #/streams/<s>/groups/<g>, with ?query parameters), so any view can be shared as a link.

import { access, key } from './api.js';
import { groupPage } from './group.js';
import { streamPage } from './stream.js';
import { streamsPage } from './streams.js';
import { h } from './ui.js';

const $ = (id) => document.getElementById(id);
let leave = [];
let generation = 0;

function showError(err) {
  const box = $('error');
  box.replaceChildren(
    h('strong', { 'data-testid': 'error-title' }, err.title ?? 'Error'),
    ' ',
    h('code', { 'data-testid': 'error-code' }, err.code ?? 'CONSOLE'),
    err.detail || err.message ? h('span', {}, ` — ${err.detail || err.message}`) : null,
  );
  box.hidden = false;
}

function clearError() {
  $('error').hidden = true;
}

function notice(text) {
  const box = $('notice');
  box.textContent = text;
  box.hidden = false;
}

function crumbs(list) {
  $('crumbs').replaceChildren(...list.flatMap(([label, link]) => [' › ', h('a', { href: link }, label)]));
}

/** Runs a user action: its error is shown, never thrown; a success clears the last error. */
async function act(fn) {
  try {
    await fn();
    clearError();
  } catch (err) {
    $('notice').hidden = true;
    showError(err);
  }
}

function parse(hash) {
  const [route, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = route.split('/').filter((p) => p !== '').map(decodeURIComponent);
  return { parts, params: new URLSearchParams(query) };
}

async function render() {
  for (const fn of leave) fn();
  leave = [];
  const mine = ++generation;
  $('notice').hidden = true;
  let parsed;
  try {
    parsed = parse(location.hash);
  } catch {
    parsed = { parts: ['bad'], params: new URLSearchParams() };
  }
  const { parts, params } = parsed;
  const ctx = { params, crumbs, act, notice, clearError, error: showError, onLeave: (fn) => leave.push(fn) };
  let page;
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'streams')) page = () => streamsPage(ctx);
  else if (parts.length === 2 && parts[0] === 'streams') page = () => streamPage(ctx, parts[1]);
  else if (parts.length === 4 && parts[0] === 'streams' && parts[2] === 'groups') page = () => groupPage(ctx, parts[1], parts[3]);
  else page = async () => h('p', {}, 'No such page. ', h('a', { href: '#/streams' }, 'Streams'));
  try {
    const view = await page();
    if (mine !== generation) return;
    $('view').replaceChildren(view);
    clearError();
  } catch (err) {
    if (mine !== generation) return;
    $('view').replaceChildren(h('p', { class: 'muted' }, 'This page could not be loaded.'));
    showError(err);
  }
  $('view').dataset.ready = String(mine);
}

async function whoami() {
  try {
    const me = await access();
    $('whoami').textContent = me.authEnabled ? `key: ${me.key}` : 'auth is off';
  } catch (err) {
    $('whoami').textContent = `${err.title} (${err.code})`;
  }
}

function start() {
  $('key').value = key.get();
  $('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    key.set($('key').value.trim());
    whoami();
    render();
  });
  $('key-forget').addEventListener('click', () => {
    key.set('');
    $('key').value = '';
    whoami();
    render();
  });
  window.addEventListener('hashchange', render);
  whoami();
  render();
}

start();
