#!/usr/bin/env node
import { buildApp } from './app.js';
import { helpText, parseCommandLine, UsageError } from './cli.js';
import { ConfigError } from './config.js';
import { demoDir, packageVersion, widgetDir } from './paths.js';

/** Reads the flags and the environment, starts the relay, and shuts it down gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const command = parseCommandLine(process.argv.slice(2), process.env, { widgetDir, demoDir });
  if (command.kind === 'help') return void process.stdout.write(helpText());
  if (command.kind === 'version') return void process.stdout.write(`${packageVersion}\n`);
  const { config } = command;
  const app = await buildApp(config);

  // Installed before listening: a SIGTERM right after the "listening" line
  // (a supervisor stopping a relay it just started) still drains and exits 0.
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  // One clear line, never a stack, for what an operator must fix.
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError) {
    process.stderr.write(`live-chat-relay: ${message}\n`);
    process.exit(2);
  }
  process.stderr.write(`live-chat: ${error instanceof ConfigError ? 'bad configuration: ' : ''}${message}\n`);
  process.exit(1);
});
