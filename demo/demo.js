// The showcase's script (served as /demo.js; the page's CSP allows no inline scripts).

// The article's launcher shows while the article is on screen, so its button
// (or its panel, full screen on a phone) never covers the chat at the top.
const slot = document.querySelector('.launcher-slot');
new IntersectionObserver(([entry]) => {
  slot.hidden = !entry.isIntersecting;
}).observe(document.getElementById('page-article'));

const chats = () => document.querySelectorAll('#try live-chat, #page-article live-chat');

// ?name=alice gives the visitor a name (open two windows as two people);
// without it the widget asks for a nickname before the first send.
const visitor = new URLSearchParams(location.search).get('name');
if (visitor) {
  for (const chat of chats()) chat.setAttribute('name', visitor);
}

// Theme and language: the page and its chats follow the switches.
const theme = document.getElementById('theme');
const lang = document.getElementById('lang');
function applySwitches() {
  document.documentElement.dataset.theme = theme.value;
  for (const chat of chats()) {
    chat.setAttribute('theme', theme.value);
    chat.setAttribute('lang', lang.value);
  }
}
theme.addEventListener('change', applySwitches);
lang.addEventListener('change', applySwitches);
applySwitches();

// Embed builder: the form writes the exact code, and the preview shows it.
const form = document.getElementById('builder');
const snippet = document.getElementById('snippet');
const preview = document.getElementById('preview-chat');
const defaults = { mode: 'inline', theme: 'light', accent: '#0969da', radius: '12', height: '480' };
form.elements.server.value = location.origin;

function build() {
  const data = Object.fromEntries(new FormData(form));
  const server = (form.elements.server.validity.valid && data.server.replace(/\/+$/, '')) || location.origin;
  const room = form.elements.room.validity.valid ? data.room : 'support';
  const attrs = [['room', room]];
  if (data.mode !== defaults.mode) attrs.push(['mode', data.mode]);
  if (data.theme !== defaults.theme) attrs.push(['theme', data.theme]);
  if (data.lang) attrs.push(['lang', data.lang]);
  const style = [];
  if (data.mode === 'inline' && data.height && data.height !== defaults.height) style.push(`height: ${data.height}px;`);
  if (data.accent !== defaults.accent) style.push(`--live-chat-accent: ${data.accent};`);
  if (data.radius !== '' && data.radius !== defaults.radius) style.push(`--live-chat-radius: ${data.radius}px;`);

  const lines = [`<script src="${server}/live-chat.js" defer></` + 'script>'];
  if (style.length) lines.push('<style>', `  live-chat { ${style.join(' ')} }`, '</style>');
  lines.push(`<live-chat ${attrs.map(([k, v]) => `${k}="${v}"`).join(' ')}></live-chat>`);
  snippet.textContent = lines.join('\n');
  document.getElementById('b-accent-value').textContent = data.accent;
  document.getElementById('b-height').disabled = data.mode !== 'inline';

  // The preview is the same element with the same settings.
  for (const [name, value] of [['room', room], ['mode', data.mode], ['theme', data.theme], ['lang', data.lang]]) {
    if (value) preview.setAttribute(name, value);
    else preview.removeAttribute(name);
  }
  // The preview stays on this relay whatever the URL says: this page's
  // Content-Security-Policy lets it connect to its own origin only.
  preview.style.setProperty('--live-chat-accent', data.accent);
  preview.style.setProperty('--live-chat-radius', `${data.radius || 0}px`);
  preview.style.height = data.mode === 'inline' ? `${data.height || defaults.height}px` : '';
  document.getElementById('preview-note').hidden = data.mode !== 'launcher';
}
form.addEventListener('input', build);
form.addEventListener('submit', (event) => event.preventDefault());
build();

document.getElementById('copy').addEventListener('click', async () => {
  const status = document.getElementById('copy-status');
  try {
    await navigator.clipboard.writeText(snippet.textContent);
    status.textContent = 'Copied to the clipboard.';
  } catch {
    // No clipboard access (an insecure origin, a refused permission): select it to copy by hand.
    getSelection().selectAllChildren(snippet);
    status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
  }
});
