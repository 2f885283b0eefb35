import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { DEFAULT_MAX_MESSAGE_LENGTH } from '../../protocol/index.js';
import type { LiveChat } from '../../widget/live-chat.js';
import { loadWidget, online, part, texts, uniqueRoom } from './helpers.js';

describe('<live-chat> composer', () => {
  before(loadWidget);
  afterEach(() => setViewport({ width: 800, height: 600 }));

  it('counts near the limit and refuses an over-long message before sending, keeping the draft', async () => {
    const el = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()} name="verbose"></live-chat>`);
    await online(el);
    const field = el.shadowRoot!.querySelector('textarea')!;
    field.focus();
    await sendKeys({ type: 'hi' });
    expect(part(el, 'counter')).to.equal(null, 'no counter far from the limit');
    expect(el.shadowRoot!.querySelector('.hint')!.textContent).to.contain('Shift+Enter');
    const long = 'x'.repeat(DEFAULT_MAX_MESSAGE_LENGTH - 1);
    field.value = long;
    field.dispatchEvent(new InputEvent('input'));
    await el.updateComplete;
    await sendKeys({ type: 'yz' });
    expect(part(el, 'counter')!.textContent).to.equal(`${DEFAULT_MAX_MESSAGE_LENGTH + 1}/${DEFAULT_MAX_MESSAGE_LENGTH}`);
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(field.value).to.equal(`${long}yz`, 'the draft is kept');
    expect(el.shadowRoot!.querySelector('.pending, .failed')).to.equal(null, 'nothing was sent');
    expect(texts(el)).to.deep.equal([]);
    expect(el.shadowRoot!.querySelector('.hint')!.textContent).to.contain('Not sent: too long');
    expect(field.getAttribute('aria-invalid')).to.equal('true');
  });

  it('grows with its text up to about six lines', async () => {
    const el = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()} name="poet"></live-chat>`);
    await online(el);
    const field = el.shadowRoot!.querySelector('textarea')!;
    const one = field.getBoundingClientRect().height;
    field.value = 'a\nb\nc';
    field.dispatchEvent(new InputEvent('input'));
    await el.updateComplete;
    const three = field.getBoundingClientRect().height;
    expect(three).to.be.above(one * 2);
    field.value = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    field.dispatchEvent(new InputEvent('input'));
    await el.updateComplete;
    const many = field.getBoundingClientRect().height;
    expect(many).to.be.above(three);
    expect(many).to.be.below(one * 6);
  });

  it('uses 16px fields on phones, so iOS does not zoom', async () => {
    await setViewport({ width: 375, height: 667 });
    const el = await fixture<LiveChat>(html`<live-chat room=${uniqueRoom()} name="mobile"></live-chat>`);
    await waitUntil(() => el.shadowRoot!.querySelector('textarea'));
    expect(getComputedStyle(el.shadowRoot!.querySelector('textarea')!).fontSize).to.equal('16px');
  });
});
