import type { ErrorCode, HandshakeErrorCode } from '../protocol/index.js';

// Codes a visitor cannot act on differently share one text.
const wrong = 'something went wrong';
const tooFast = 'too fast, wait a moment';
const faux = 'une erreur est survenue';
const tropVite = 'trop rapide, patientez un peu';

/**
 * Every string the widget shows, per language. To add a language, copy `en`,
 * translate it, and add it to `strings`.
 */
const en = {
  connecting: 'Connecting…',
  offline: 'Offline',
  online: (n: number) => `${n} here`,
  banned: 'Removed from this room by a moderator',
  messages: 'Messages',
  message: 'Message',
  placeholder: (room: string) => `Message #${room}`,
  send: 'Send',
  yourName: 'Your name',
  start: 'Start chatting',
  empty: 'Be the first to say hello 👋',
  loading: 'Loading…',
  older: 'Loading earlier messages…',
  sending: 'Sending…',
  notSent: 'Not sent',
  retry: 'Retry',
  discard: 'Discard',
  delete: 'Delete',
  deleted: 'Message deleted',
  typing: (names: string[]) =>
    names.length === 1
      ? `${names[0]} is typing…`
      : names.length === 2
        ? `${names[0]} and ${names[1]} are typing…`
        : `${names.length} people are typing…`,
  newMessages: 'New messages',
  members: 'People here',
  openChat: 'Open chat',
  closeChat: 'Close chat',
  unread: (n: number) => `${n} unread`,
  slowDown: (s: number) => `Slow down: you can send again in ${s} s`,
  today: 'Today',
  yesterday: 'Yesterday',
  bannedNotice: (until: string | null) =>
    until ? `A moderator banned you from this room until ${until}.` : 'A moderator banned you from this room.',
  reason: 'Reason',
  newLine: 'Shift+Enter: new line',
  reconnecting: 'Reconnecting…',
  willSend: 'Your messages will be sent.',
  you: 'you',
  changeName: 'Change name',
  reading: (n: number) => `+ ${n} reading`,
  verified: 'Verified',
  guest: 'guest',
  moderator: 'Moderator',
  actions: 'Actions',
  cancel: 'Cancel',
  confirmDelete: 'Delete this message?',
  reply: 'Reply',
  edit: 'Edit',
  save: 'Save',
  edited: '(edited)',
  notEdited: 'Not edited',
  editing: 'Editing your message',
  replyingTo: (name: string) => `Replying to ${name}`,
  mentionWho: 'Mention',
  mentioned: 'you were mentioned',
  react: 'React with',
  reactions: 'Reactions',
  reacted: (n: number, emoji: string) => `${n} ${n === 1 ? 'person' : 'people'} reacted ${emoji}`,
  report: 'Report',
  reasonOptional: 'Reason (optional)',
  reported: 'Reported to the moderators. Thank you.',
  pinned: 'Pinned',
  paused: 'Chat is paused.',
  membersOnly: 'Sign in to chat.',
  signIn: 'Sign in',
  slowMode: (s: number) => `Slow mode: you can send again in ${s} s`,
  refused: {
    origin_not_allowed: 'This site may not use this chat',
    unauthorized: 'Sign-in needed or expired',
    too_many_connections: 'Too many connections from here',
    invalid_name: 'That name cannot be used',
    banned: 'You are banned from this room',
    other: 'Connection refused',
  } satisfies Record<HandshakeErrorCode | 'other', string>,
  // Every code of the contract, so a new one cannot ship untranslated.
  errors: {
    invalid_payload: wrong,
    invalid_room: wrong,
    not_joined: 'not in the room yet, try again',
    empty: 'empty',
    too_long: 'too long',
    rate_limited: tooFast,
    forbidden: 'not allowed',
    banned: 'you were removed from this room',
    not_found: 'no longer there',
    unavailable: 'the chat is unavailable, try again',
    internal: wrong,
    slow_mode: tooFast,
    members_only: 'only signed-in members may write here',
    paused: 'the room is paused',
    blocked: 'contains a blocked word',
  } satisfies Record<ErrorCode, string>,
};

export type Strings = typeof en;

const fr: Strings = {
  connecting: 'Connexion…',
  offline: 'Hors ligne',
  online: (n) => `${n} ici`,
  banned: 'Retiré de ce salon par un modérateur',
  messages: 'Messages',
  message: 'Message',
  placeholder: (room) => `Écrire dans #${room}`,
  send: 'Envoyer',
  yourName: 'Votre nom',
  start: 'Commencer',
  empty: 'Soyez le premier à dire bonjour 👋',
  loading: 'Chargement…',
  older: 'Chargement des messages précédents…',
  sending: 'Envoi…',
  notSent: 'Non envoyé',
  retry: 'Réessayer',
  discard: 'Abandonner',
  delete: 'Supprimer',
  deleted: 'Message supprimé',
  typing: (names) =>
    names.length === 1
      ? `${names[0]} écrit…`
      : names.length === 2
        ? `${names[0]} et ${names[1]} écrivent…`
        : `${names.length} personnes écrivent…`,
  newMessages: 'Nouveaux messages',
  members: 'Personnes présentes',
  openChat: 'Ouvrir le chat',
  closeChat: 'Fermer le chat',
  unread: (n) => `${n} non lu${n > 1 ? 's' : ''}`,
  slowDown: (s) => `Doucement : nouvel envoi possible dans ${s} s`,
  today: 'Aujourd’hui',
  yesterday: 'Hier',
  bannedNotice: (until) =>
    until ? `Un modérateur vous a banni de ce salon jusqu’au ${until}.` : 'Un modérateur vous a banni de ce salon.',
  reason: 'Motif',
  newLine: 'Maj+Entrée : nouvelle ligne',
  reconnecting: 'Reconnexion…',
  willSend: 'Vos messages seront envoyés.',
  you: 'vous',
  changeName: 'Changer de nom',
  reading: (n) => `+ ${n} lecteur${n > 1 ? 's' : ''}`,
  verified: 'Vérifié',
  guest: 'invité',
  moderator: 'Modérateur',
  actions: 'Actions',
  cancel: 'Annuler',
  confirmDelete: 'Supprimer ce message ?',
  reply: 'Répondre',
  edit: 'Modifier',
  save: 'Enregistrer',
  edited: '(modifié)',
  notEdited: 'Non modifié',
  editing: 'Modification de votre message',
  replyingTo: (name) => `Réponse à ${name}`,
  mentionWho: 'Mentionner',
  mentioned: 'vous avez été mentionné',
  react: 'Réagir avec',
  reactions: 'Réactions',
  reacted: (n, emoji) => `${n} personne${n > 1 ? 's ont' : ' a'} réagi ${emoji}`,
  report: 'Signaler',
  reasonOptional: 'Motif (facultatif)',
  reported: 'Signalé aux modérateurs. Merci.',
  pinned: 'Épinglé',
  paused: 'Le chat est en pause.',
  membersOnly: 'Connectez-vous pour écrire.',
  signIn: 'Se connecter',
  slowMode: (s) => `Mode lent : nouvel envoi possible dans ${s} s`,
  refused: {
    origin_not_allowed: 'Ce site ne peut pas utiliser ce chat',
    unauthorized: 'Connexion requise ou expirée',
    too_many_connections: 'Trop de connexions depuis ici',
    invalid_name: 'Ce nom ne peut pas être utilisé',
    banned: 'Vous êtes banni de ce salon',
    other: 'Connexion refusée',
  },
  errors: {
    invalid_payload: faux,
    invalid_room: faux,
    not_joined: 'pas encore dans le salon, réessayez',
    empty: 'vide',
    too_long: 'trop long',
    rate_limited: tropVite,
    forbidden: 'non autorisé',
    banned: 'vous avez été retiré de ce salon',
    not_found: 'n’existe plus',
    unavailable: 'le chat est indisponible, réessayez',
    internal: faux,
    slow_mode: tropVite,
    members_only: 'réservé aux membres connectés',
    paused: 'le salon est en pause',
    blocked: 'contient un mot interdit',
  },
};

export const strings: Record<string, Strings> = { en, fr };

/** The language for an element: its `lang`, else the nearest `lang` above it, else the page's; English by default. */
export function pickLanguage(el: Element): string {
  const lang = (el.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || 'en').toLowerCase();
  const base = lang.split('-')[0]!;
  return base in strings ? base : 'en';
}
