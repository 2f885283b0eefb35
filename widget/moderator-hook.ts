import { html, LitElement, nothing } from 'lit';
import type { Message, ReportEvent, ReportResolvedEvent } from '../protocol/index.js';
import type { ChatController } from './chat-controller.js';
import { loadScript } from './load-script.js';

/**
 * What only moderators use (the ban form, pinning, the room settings panel,
 * report notices, the ban list) lives in a second script,
 * `/live-chat-moderator.js`, loaded from the relay once per page when a
 * moderator signs in, so visitors never download it. It finds the widget
 * through this hook, on a `Symbol.for` key of `window` (no global name), and
 * renders with the widget's own Lit: where its code imports from 'lit', the
 * build reads this hook instead (rollup.config.mjs, `widgetLit`).
 */
export const MODERATOR_HOOK = Symbol.for('live-chat.moderator');

/** One <live-chat> element, as the moderator script sees it. */
export interface ModeratorWidget {
  readonly el: LitElement;
  readonly chat: ChatController;
  /** `en`, `fr`… */
  readonly lang: string;
  /** How far the open message menu went ('ban'…). */
  readonly step?: string;
  /** Opens a step of the message menu. */
  setStep(step: string): void;
  /** Says what an action did, in the status line. */
  say(notice: string): void;
  closeMenu(): void;
}

/** What the moderator script adds to one element. */
export interface ModeratorView {
  /** Items of a message's menu (and the steps they open). */
  menu(message: Message): unknown;
  /** Buttons in the header. */
  header(): unknown;
  /** Below the header: the settings panel, report notices. */
  panel(): unknown;
  /** A report, or (with `how`) a report resolved, by any moderator, anywhere. */
  report(event: ReportEvent | ReportResolvedEvent): void;
}

export interface ModeratorHook {
  html: typeof html;
  nothing: typeof nothing;
  /** For ui/'s elements (the room settings form). */
  LitElement: typeof LitElement;
  /** Called by the moderator script: how to build a view for an element, and its styles. */
  define(factory: (widget: ModeratorWidget) => ModeratorView, css: string): void;
}

type Definition = { factory: (widget: ModeratorWidget) => ModeratorView; sheet: CSSStyleSheet };
let loading: Promise<Definition> | undefined;

/** Loads the moderator script from `server` (once per page). */
export function loadModerator(server: string): Promise<Definition> {
  return (loading ??= new Promise((resolve, reject) => {
    const hook: ModeratorHook = {
      html,
      nothing,
      LitElement,
      define: (factory, css) => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        resolve({ factory, sheet });
      },
    };
    (window as any)[MODERATOR_HOOK] = hook;
    loadScript(`${server}/live-chat-moderator.js`).catch(reject);
  }));
}
