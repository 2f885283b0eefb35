import fp from 'fastify-plugin';
import { checkPlainStrings } from '../chat/rules.js';
import { adminRoutes } from '../http/admin.js';
import { installErrorHandlers } from '../http/errors.js';
import { messageRoutes } from '../http/messages.js';
import { sharedSchemas } from '../http/schemas.js';

/** The HTTP API (messages, and the admin routes behind the console), answering errors as `{ error: { code, message } }` with the socket events' codes. */
export default fp(
  async (app) => {
    for (const schema of sharedSchemas) app.addSchema(schema);
    installErrorHandlers(app);
    // After validation, before any route: what cannot be stored verbatim is refused.
    app.addHook('preHandler', async (request) => checkPlainStrings(request.body));
    const sessions = () => app.consoleSessions;
    messageRoutes(app, sessions);
    adminRoutes(app, sessions);
  },
  { name: 'http-api', dependencies: ['config', 'store', 'metrics', 'limits', 'chat', 'console-sessions'] },
);
