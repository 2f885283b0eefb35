import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { LiveChat } from '../../widget/live-chat.js';
import { loadWidget, online, post, shows, token, uniqueRoom } from './helpers.js';

/**
 * One report state for every moderator (PROTOCOL.md v3, "Bans and reports
 * as people see them"): a report notice goes from every moderator's widget
 * when one of them dismisses it, deletes its message or bans its author.
 */
const notices = (el: LiveChat) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.reports li')];
const button = (notice: HTMLElement, label: string) => [...notice.querySelectorAll('button')].find((b) => b.textContent!.trim() === label)!;

async function moderator(room: string, sub: string, name: string): Promise<LiveChat> {
  const mod = await fixture<LiveChat>(html`<live-chat room=${room} token=${await token(sub, name, 'moderator')}></live-chat>`);
  await online(mod);
  await waitUntil(() => mod.shadowRoot!.querySelector('.mod-settings'), 'no moderator tools', { timeout: 5000 });
  return mod;
}

describe('<live-chat> report notices follow every moderator (v3)', () => {
  before(loadWidget);

  it('Dismiss resolves the report for every moderator; a deletion or a ban by another takes the notice away too', async () => {
    const room = uniqueRoom();
    const moe = await moderator(room, 'mod-moe', 'Moe');
    const kim = await moderator(room, 'mod-kim', 'Kim');
    const reporter = await fixture<LiveChat>(html`<live-chat room=${room} name="reporter"></live-chat>`);
    await online(reporter);
    const first = await post(room, 'buy cheap watches', { id: 'spammer', name: 'Spammer' });
    const second = await post(room, 'cheap watches again', { id: 'spammer', name: 'Spammer' });
    const third = await post(room, 'and a third time', { id: 'other', name: 'Other' });
    await shows(reporter, 'and a third time');
    const report = (seq: number) => (reporter as any).chat.report(seq, 'spam');

    await report(first.seq);
    await waitUntil(() => notices(moe).length === 1 && notices(kim).length === 1, 'both moderators get the notice');
    button(notices(moe)[0]!, 'Dismiss').click();
    await waitUntil(() => notices(kim).length === 0, "Kim's notice stays after Moe dismissed it");
    await waitUntil(() => notices(moe).length === 0, "Moe's notice stays");
    await waitUntil(
      () => [...moe.shadowRoot!.querySelectorAll('[role=status]')].some((p) => p.textContent === 'Report dismissed.'),
      'Moe is not told it was dismissed',
    );

    // Another moderator deletes the reported message (here through the relay, as the console would).
    await report(third.seq);
    await waitUntil(() => notices(moe).length === 1, 'no notice');
    expect(await (kim as any).chat.remove(third.seq)).to.equal(true);
    await waitUntil(() => notices(moe).length === 0, 'the notice stays after the message was deleted');

    // Another moderator bans the author: their reported message's notice goes.
    await report(second.seq);
    await waitUntil(() => notices(moe).length === 1, 'no notice');
    expect(notices(moe)[0]!.textContent).to.contain('cheap watches again');
    expect(await (kim as any).chat.ask('ban', { memberId: 'spammer', minutes: 5 })).to.not.equal(undefined);
    await waitUntil(() => notices(moe).length === 0, 'the notice stays after its author was banned');
  });
});
