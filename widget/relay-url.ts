/**
 * The relay this script was loaded from. Read once, while the script runs:
 * `document.currentScript` is only set during that first execution.
 */
const script = document.currentScript as HTMLScriptElement | null;

/** The origin of `live-chat.js`'s own URL, or the page's when it cannot be known (e.g. a bundled import). */
export const scriptRelay: string = script?.src ? new URL(script.src).origin : location.origin;
