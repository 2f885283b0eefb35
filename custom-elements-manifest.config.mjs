// `npm run build:package` writes custom-elements.json (the package.json
// "customElements" field) from the element's JSDoc and Lit's `static properties`, for
// editors, Storybook and linters. Paths point at the shipped dist/esm files,
// not at the TypeScript sources, which the package does not contain.

/** Every `widget/….ts` in the manifest becomes the `dist/esm/widget/….js` a consumer has. */
function shippedPaths() {
  const rewrite = (value) => {
    if (typeof value === 'string') return value.replace(/^\/?((?:widget|protocol)\/[\w.-]+)\.ts$/, 'dist/esm/$1.js');
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  return {
    name: 'live-chat-shipped-paths',
    packageLinkPhase({ customElementsManifest }) {
      customElementsManifest.modules = rewrite(customElementsManifest.modules);
    },
  };
}

/**
 * The events are the JSDoc's `@fires live-chat-…`, each typed with its class
 * in events.ts (`live-chat-message` → LiveChatMessageEvent). The analyzer also
 * guesses events from `dispatchEvent(new X(…))` calls, naming them after the
 * constructor's first argument; those guesses are dropped.
 */
function typedEvents() {
  return {
    name: 'live-chat-typed-events',
    packageLinkPhase({ customElementsManifest }) {
      const declarations = customElementsManifest.modules.flatMap((module) => module.declarations ?? []);
      const classes = new Set(declarations.map((declaration) => declaration.name));
      for (const element of declarations.filter((declaration) => declaration.tagName)) {
        element.events = (element.events ?? [])
          .filter((event) => /^live-chat-[a-z-]+$/.test(event.name ?? ''))
          .map((event) => {
            const type = event.name.replace(/(^|-)([a-z])/g, (_, _dash, letter) => letter.toUpperCase()) + 'Event';
            if (!classes.has(type)) throw new Error(`custom-elements.json: no class ${type} for the event ${event.name}`);
            return { ...event, type: { text: type } };
          });
      }
    },
  };
}

/**
 * Lit's internal state (`static properties` entries with `state: true`, the
 * element's private fields) is no attribute; the analyzer lists it anyway.
 */
function publicAttributes() {
  return {
    name: 'live-chat-public-attributes',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const element of (module.declarations ?? []).filter((declaration) => declaration.tagName)) {
          const hidden = new Set((element.members ?? []).filter((m) => m.privacy === 'private').map((m) => m.name));
          element.attributes = (element.attributes ?? []).filter((a) => !hidden.has(a.fieldName ?? a.name));
        }
      }
    },
  };
}

export default {
  globs: ['widget/module.ts', 'widget/live-chat.ts', 'widget/events.ts'],
  outdir: '.',
  litelement: true,
  // The field is written once in package.json, not rewritten on every build.
  packagejson: false,
  plugins: [typedEvents(), publicAttributes(), shippedPaths()],
};
