/**
 * The wire contract of ../shared/PROTOCOL.md, imported by the widget, the
 * console and the relay: the contract's constants (limits.ts, no import),
 * its shapes as zod schemas (shapes.ts), the socket events (events.ts) and
 * the HTTP side (admin.ts). Types come from the schemas by z.infer.
 *
 * Browser code imports types from here with `import type` only, and runtime
 * values from limits.ts, so the widget ships no zod.
 */
export * from './limits.js';
export * from './shapes.js';
export * from './events.js';
export * from './admin.js';
