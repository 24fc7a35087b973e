/** The one bound on a request's tokens (domain/record-bounds.ts), as the OTLP decoders read it. */
export { MAX_TOKENS_PER_REQUEST } from '../domain/record-bounds.js';
