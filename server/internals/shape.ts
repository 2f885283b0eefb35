/**
 * A library's internals changed shape: thrown by the start-up self-checks of
 * this folder, with one line naming the library and what is missing, so an
 * upgrade that breaks a patch stops the relay at once instead of quietly
 * undoing a bound or a saving.
 */
export class InternalsChanged extends Error {
  constructor(library: string, shape: string) {
    super(`${library} internals changed: ${shape} (see server/internals/)`);
    this.name = 'InternalsChanged';
  }
}

/** Throws InternalsChanged unless `holds`. */
export function expectShape(library: string, shape: string, holds: boolean): void {
  if (!holds) throw new InternalsChanged(library, shape);
}
