// The widget's French (/live-chat-fr.js), loaded from the relay by pages in
// French (widget/i18n.ts, loadLanguage); visitors of other pages never
// download it. It hands its strings over on a Symbol.for key of `window`.
import type { Strings } from '../i18n.js';

// Codes a visitor cannot act on differently share one text.
const faux = 'une erreur est survenue';
const tropVite = 'trop rapide, patientez un peu';

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
  signInAgain: 'Se reconnecter',
  expired: 'Votre connexion a expiré.',
  nameRules: {
    invisible: 'Un nom ne peut pas contenir de caractères invisibles.',
    badge: 'Un nom ne peut pas contenir de badges (✓ ★) : le chat les attribue.',
    invalid_name: 'Ce nom ne peut pas être utilisé.',
  },
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

((window as any)[Symbol.for('live-chat.strings')] ??= {}).fr = fr;
