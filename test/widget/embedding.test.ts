import { expect, waitUntil } from '@open-wc/testing';
import { loadWidget } from './helpers.js';

/** The pages whose HTML snippets a visitor may paste as they are. */
const PAGES = ['/README.md', '/docs/widget.md', '/docs/frameworks.md'];

/** The ```html blocks of a markdown page. */
function htmlSnippets(markdown: string): string[] {
  return [...markdown.matchAll(/^```html\n([^]*?)^```$/gm)].map((m) => m[1]!);
}

/**
 * Runs a snippet as a pasted page would: in a page of its own (an iframe)
 * whose parser meets the snippet's tags in order, with live-chat.js loaded
 * from the real relay and deferred, as the snippets write it (so an inline
 * script runs before <live-chat> is defined). Resolves with every error the
 * page raised, uncaught or in a promise, once the element is defined and
 * what was waiting for it has run.
 */
async function run(snippet: string, relayUrl: string): Promise<string[]> {
  let html = snippet.replaceAll('https://chat.example.com', relayUrl);
  if (!html.includes('/live-chat.js')) html = `<script src="${relayUrl}/live-chat.js" defer></script>\n${html}`;
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><html><head><script>
    window.errors = [];
    addEventListener('error', (e) => errors.push(String(e.message)));
    addEventListener('unhandledrejection', (e) => errors.push(String(e.reason)));
  </script></head><body>${html}</body></html>`;
  document.body.append(frame);
  try {
    const page = () => frame.contentWindow as (Window & typeof globalThis & { errors?: string[] }) | null;
    await waitUntil(() => page()?.customElements?.get('live-chat'), 'live-chat.js never defined <live-chat> in the page', { timeout: 5000 });
    // Callbacks waiting on whenDefined run in a microtask; a few tasks more for anything they start.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(page()!.document.querySelector('live-chat')!.shadowRoot, 'the element rendered').to.exist;
    return [...page()!.errors!];
  } finally {
    frame.remove();
  }
}

describe('embedding snippets of the README and docs, pasted as written', () => {
  let relayUrl: string;
  before(async () => {
    relayUrl = await loadWidget();
  });
  // A launcher remembers whether it was open: each snippet starts as a first visit.
  beforeEach(() => localStorage.clear());
  after(() => localStorage.clear());

  it('finds the snippets', async () => {
    const readme = htmlSnippets(await (await fetch('/README.md')).text());
    expect(readme.length).to.be.at.least(2);
    expect(htmlSnippets(await (await fetch('/docs/widget.md')).text()).length).to.be.at.least(2);
  });

  it('a snippet that calls a method before the deferred script has run throws here (the harness sees it)', async () => {
    const errors = await run(
      `<live-chat room="lobby" mode="launcher"></live-chat>\n<script>\n  document.querySelector('live-chat').open();\n</script>\n`,
      relayUrl,
    );
    expect(errors.join('\n')).to.match(/open is not a function/);
  });

  for (const path of PAGES) {
    it(`every HTML snippet of ${path.slice(1)} runs without an error`, async () => {
      const snippets = htmlSnippets(await (await fetch(path)).text());
      for (const [i, snippet] of snippets.entries()) {
        const errors = await run(snippet, relayUrl);
        expect(errors, `snippet ${i + 1} of ${path.slice(1)}:\n${snippet}`).to.deep.equal([]);
      }
    });
  }

  it("the README's launcher snippet opens the panel once the element is defined", async () => {
    const snippet = htmlSnippets(await (await fetch('/README.md')).text()).find((s) => s.includes('chat.open()'))!;
    expect(snippet).to.exist;
    expect(localStorage.getItem('live-chat:open')).to.equal(null, 'closed until the snippet opens it');
    const frame = document.createElement('iframe');
    frame.srcdoc = `<script src="${relayUrl}/live-chat.js" defer></script>${snippet}`;
    document.body.append(frame);
    try {
      await waitUntil(
        () => frame.contentDocument?.querySelector('live-chat')?.shadowRoot?.querySelector('[part~="panel"]'),
        'the launcher panel never opened',
        { timeout: 5000 },
      );
    } finally {
      frame.remove();
    }
  });
});
