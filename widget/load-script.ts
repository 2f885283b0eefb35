/** The relay's scripts this page may load: the moderator tools and the languages. */
const allowed = new Set<string>();
let policy: { createScriptURL(url: string): unknown } | undefined;

/**
 * Loads one of the relay's on-demand scripts (the moderator tools, a
 * language) as a classic script. Pages that enforce Trusted Types allow the
 * policy `live-chat`, which passes the URLs asked for here and nothing else.
 */
export function loadScript(url: string): Promise<void> {
  allowed.add(url);
  const types = (window as any).trustedTypes;
  if (types) policy ??= types.createPolicy('live-chat', { createScriptURL: (u: string) => (allowed.has(u) ? u : '') });
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = (policy ? policy.createScriptURL(url) : url) as string;
    script.onload = () => resolve();
    script.onerror = reject;
    document.head.append(script);
  });
}
