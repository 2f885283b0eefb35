import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { LiveChat } from '../../widget/live-chat.js';
import { loadWidget, online, part, shows, token, typeAndSend, uniqueRoom } from './helpers.js';

/**
 * A ban as the banned visitor lives it: they keep reading the room (`join {
 * readOnly }`), told why and until when, and write again as soon as the ban
 * is over (`unbanned`: lifted, or its time run out), without a reload.
 */
const ban = (mod: LiveChat, who: LiveChat, minutes: number, reason?: string) =>
  (mod as any).chat.ask('ban', { memberId: (who as any).chat.self.id, minutes, ...(reason ? { reason } : {}) });
const composer = (el: LiveChat) => el.shadowRoot!.querySelector('textarea');

async function moderatorAndVisitor(name: string): Promise<[LiveChat, LiveChat]> {
  const room = uniqueRoom();
  const mod = await fixture<LiveChat>(html`<live-chat room=${room} token=${await token('mod-bans', 'Beatrix', 'moderator')}></live-chat>`);
  const visitor = await fixture<LiveChat>(html`<live-chat room=${room} name=${name}></live-chat>`);
  await Promise.all([online(mod), online(visitor)]);
  return [mod, visitor];
}

describe('<live-chat> bans as the banned visitor sees them', () => {
  before(loadWidget);

  it('a banned visitor keeps reading, and writes again as soon as a moderator lifts the ban, without a reload', async () => {
    const [mod, visitor] = await moderatorAndVisitor('Lifted');
    await ban(mod, visitor, 60, 'cool down');
    await waitUntil(() => part(visitor, 'banned'), 'no ban notice');
    expect(part(visitor, 'banned')!.textContent).to.contain('Reason: cool down');
    await typeAndSend(mod, 'said during the ban');
    await shows(visitor, 'said during the ban', 'the banned visitor stopped reading');
    await (mod as any).chat.ask('unban', { memberId: (visitor as any).chat.self.id });
    await waitUntil(() => composer(visitor), 'the ban never lifted in the open widget');
    expect(part(visitor, 'banned')).to.equal(null);
    await online(visitor);
    expect(part(visitor, 'status')!.textContent!.trim()).to.equal('2 here');
    await typeAndSend(visitor, 'thanks');
    await shows(mod, 'thanks');
  });

  it('a banned visitor who reloads reads the room, and sees why and until when', async () => {
    const [mod, visitor] = await moderatorAndVisitor('Reloader');
    await typeAndSend(mod, 'before the ban');
    await ban(mod, visitor, 30, 'spam');
    await waitUntil(() => part(visitor, 'banned'), 'no ban notice');
    visitor.remove();
    // The same browser and name: the same guest, banned.
    const again = await fixture<LiveChat>(html`<live-chat room=${mod.room} name="Reloader"></live-chat>`);
    await shows(again, 'before the ban', 'the banned visitor cannot read after a reload');
    await waitUntil(() => part(again, 'banned'), 'no ban notice after a reload');
    expect(part(again, 'banned')!.textContent).to.match(/banned you from this room until .*\d/);
    expect(part(again, 'banned')!.textContent).to.contain('Reason: spam');
    expect(composer(again)).to.equal(null);
    await typeAndSend(mod, 'after the reload');
    await shows(again, 'after the reload');
  });

  it('a 1-minute ban is over after its minute, in the open widget', async function () {
    this.timeout(90_000);
    const [mod, visitor] = await moderatorAndVisitor('Patient');
    await ban(mod, visitor, 1);
    await waitUntil(() => part(visitor, 'banned'), 'no ban notice');
    await waitUntil(() => composer(visitor), 'still banned after the minute', { timeout: 70_000, interval: 500 });
    await typeAndSend(visitor, 'back');
    await shows(mod, 'back');
  });
});
