// The moderator script's entry (/live-chat-moderator.js): the widget loads it
// when a moderator signs in, and it hands the widget its tools. Visitors never
// download it.
// Lit comes from the widget through the hook (rollup.config.mjs makes 'lit'
// read it; MODERATOR_HOOK's key is spelled out here: importing the constant
// would bundle Lit a second time).
import type { ModeratorHook } from '../moderator-hook.js';
import { moderatorView, styles } from './moderator.js';

const hook = (window as any)[Symbol.for('live-chat.moderator')] as ModeratorHook;
hook.define(moderatorView, styles);
