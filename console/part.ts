import { LitElement } from 'lit';

/**
 * The base of the console's views: they render into the console's shadow
 * root rather than a shadow of their own, so the console stays one tree.
 * Its one stylesheet (styles.ts) reaches every view; a label's `for`, a
 * section's `aria-labelledby` and the status line stay in the same root as
 * what they name; and the page's tests and axe see one shadow root, as
 * before the views were split out. Only the console itself meets the page.
 */
export class ConsolePart extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}
