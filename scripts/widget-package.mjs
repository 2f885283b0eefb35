// The widget package (widget/package.json, `live-chat-widget`) ships what
// the relay's build already made: the one-script widget and the element's
// manifest (and the licence), copied beside the ES modules tsc wrote to widget/dist/esm.
// Run by `npm run build:package`, after the build.
import { copyFileSync, mkdirSync } from 'node:fs';

const from = (path) => new URL(`../${path}`, import.meta.url);
mkdirSync(from('widget/dist'), { recursive: true });
for (const file of ['live-chat.js', 'live-chat.js.map']) copyFileSync(from(`dist/widget/${file}`), from(`widget/dist/${file}`));
copyFileSync(from('custom-elements.json'), from('widget/custom-elements.json'));
copyFileSync(from('LICENSE'), from('widget/LICENSE'));
