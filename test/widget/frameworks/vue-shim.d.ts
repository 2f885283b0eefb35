// Single-file components, compiled for the browser tests by vue-sfc-plugin.mjs.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<{ room?: string; user?: string }>;
  export default component;
}
