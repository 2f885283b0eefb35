import fp from 'fastify-plugin';
import { checkPlainStrings } from '../chat/rules.js';
import { installErrorHandlers } from '../http/errors.js';
import { messageRoutes } from '../http/messages.js';
import { sharedSchemas } from '../http/schemas.js';

/** The HTTP API, answering errors as `{ error: { code, message } }` with the socket events' codes. */
export default fp(
  async (app) => {
    for (const schema of sharedSchemas) app.addSchema(schema);
    installErrorHandlers(app);
    // After validation, before any route: what cannot be stored verbatim is refused.
    app.addHook('preHandler', async (request) => checkPlainStrings(request.body));
    messageRoutes(app);
  },
  { name: 'http-api', dependencies: ['config', 'store', 'metrics', 'socket'] },
);
