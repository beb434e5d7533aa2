import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsRecorder } from './recorder.js';
import { RequestScope, requestScopes } from './scope.js';

/** The part of a Node response the middleware reads. */
interface ResponseLike {
  statusCode: number;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

function startScope(recorder: MetricsRecorder | undefined): RequestScope | undefined {
  if (recorder === undefined) return undefined;
  recorder.activateScopes();
  return new RequestScope(recorder.now());
}

/** Record the request once, when the response finishes or the connection closes. */
function recordOnEnd(recorder: MetricsRecorder, scope: RequestScope, res: ResponseLike): void {
  let done = false;
  const end = () => {
    if (done) return;
    done = true;
    recorder.request(scope, scope.threw || res.statusCode >= 500);
  };
  res.once('finish', end);
  res.once('close', end);
}

/** An Express (4 or 5) middleware function. */
export type ExpressMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** Build the Express middleware: runs the rest of the chain inside a request scope. */
export function expressMiddleware(recorder: MetricsRecorder | undefined): ExpressMiddleware {
  return (_req, res, next) => {
    const scope = startScope(recorder);
    if (recorder === undefined || scope === undefined) {
      next();
      return;
    }
    recordOnEnd(recorder, scope, res);
    requestScopes.run(scope, () => next());
  };
}

/** The part of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  addHook(name: 'onRequest', hook: (req: object, reply: unknown, done: () => void) => void): unknown;
  addHook(name: 'onError', hook: (req: object, reply: unknown, error: unknown, done: () => void) => void): unknown;
  addHook(name: 'onResponse', hook: (req: object, reply: { statusCode: number }, done: () => void) => void): unknown;
}

/** A Fastify plugin (callback style), already marked to apply to the whole instance. */
export type FastifyPlugin = ((instance: FastifyInstanceLike, opts: unknown, done: (err?: Error) => void) => void) & {
  [key: symbol]: unknown;
};

/** Build the Fastify plugin: onRequest opens a scope, onError marks a throw, onResponse records. */
export function fastifyPlugin(recorder: MetricsRecorder | undefined): FastifyPlugin {
  const scopes = new WeakMap<object, RequestScope>();
  const plugin = ((instance: FastifyInstanceLike, _opts: unknown, done: (err?: Error) => void) => {
    if (recorder !== undefined) {
      instance.addHook('onRequest', (req, _reply, next) => {
        const scope = startScope(recorder)!;
        scopes.set(req, scope);
        requestScopes.run(scope, next);
      });
      instance.addHook('onError', (req, _reply, _error, next) => {
        const scope = scopes.get(req);
        if (scope !== undefined) scope.threw = true;
        next();
      });
      instance.addHook('onResponse', (req, reply, next) => {
        const scope = scopes.get(req);
        if (scope !== undefined) recorder.request(scope, scope.threw || reply.statusCode >= 500);
        next();
      });
    }
    done();
  }) as FastifyPlugin;
  // Same effect as fastify-plugin: the hooks apply to the instance that registers the plugin, not a child scope.
  plugin[Symbol.for('skip-override')] = true;
  plugin[Symbol.for('fastify.display-name')] = 'wavegate';
  return plugin;
}

/** A plain Node request handler. */
export type PlainHandler<Req extends IncomingMessage = IncomingMessage, Res extends ServerResponse = ServerResponse> = (
  req: Req,
  res: Res,
) => unknown;

/**
 * Wrap a plain `(req, res)` handler: it runs inside a request scope; a throw or a rejected promise counts as an
 * error (and is rethrown), as does a 5xx status.
 */
export function wrapHandler<Req extends IncomingMessage, Res extends ServerResponse>(
  recorder: MetricsRecorder | undefined,
  handler: PlainHandler<Req, Res>,
): PlainHandler<Req, Res> {
  return (req, res) => {
    const scope = startScope(recorder);
    if (recorder === undefined || scope === undefined) return handler(req, res);
    recordOnEnd(recorder, scope, res);
    try {
      const out = requestScopes.run(scope, () => handler(req, res));
      if (out instanceof Promise) {
        return out.catch((err: unknown) => {
          scope.threw = true;
          throw err;
        });
      }
      return out;
    } catch (err) {
      scope.threw = true;
      throw err;
    }
  };
}
