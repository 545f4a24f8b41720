// The host app's building blocks, for a host that wants to embed or extend them.
export { consoleLog, createHostApp, type HostAppOptions, type HostLog } from './app.js';
export { aggregatePath, commandEnvelopeSchema, DEFAULT_MAX_BODY_BYTES, splitStreamId, type CommandResponseBody } from './command-routes.js';
export { jsonResponse, lastPosition, mediaTypeOf } from './http.js';
export {
  BadPreconditionError,
  formatEtag,
  ifNoneMatchMatches,
  parseCommandPreconditions,
  parseIfMatch,
  type PreconditionHeader,
} from './preconditions.js';
export {
  fieldErrors,
  problem,
  PROBLEM_BASE_URI,
  PROBLEM_CONTENT_TYPE,
  problemFromError,
  problemKinds,
  problemResponse,
  type ProblemContext,
  type ProblemDocument,
  type ProblemFieldError,
  type ProblemInit,
  type ProblemKind,
} from './problems.js';
export { funnelQuerySchema, kpiQuerySchema, parseQuery, PERIOD_FORMS, receivablesQuerySchema } from './queries.js';
export { aggregateCategories } from './query-routes.js';
export { createReadModels, hasCheckpoints, type ReadModels, type ReadModelsOptions, type StoreWithCheckpoints } from './read-models.js';
export { startServer, type RunningServer, type StartServerOptions } from './server.js';
