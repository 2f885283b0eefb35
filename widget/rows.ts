import type { ChatController } from './chat-controller.js';
import type { ComposerController } from './controllers/composer.js';
import type { ScrollController } from './controllers/scroll.js';
import type { Strings } from './i18n.js';
import type { ModeratorView } from './moderator-hook.js';

/**
 * What a message row and its menu need of the element:
 * what they show (strings, language, clock, the open menu, refreshed at each
 * update) and what their buttons do.
 */
export interface Rows {
  readonly chat: ChatController;
  readonly composer: ComposerController;
  readonly t: Strings;
  readonly lang: string;
  readonly now: number;
  /** The message whose menu is open. */
  readonly menu?: number;
  /** How far the visitor went in the open menu (a confirmation, the ban form). */
  readonly step?: string;
  setStep(step: string): void;
  /** The moderator script's part, once loaded (moderators only). */
  readonly mod?: ModeratorView;
  /** The list's scrolling: shows a message (a reply's parent), fetching older pages down to it. */
  readonly scroll: ScrollController;
  openMenu(seq: number): void;
  closeMenu(): void;
  /** Says what an action did, in the status line. */
  say(notice: string): void;
}
