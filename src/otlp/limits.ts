/** More tokens than this in one request is not a real request: a corrupt or hostile item. */
export const MAX_TOKENS_PER_REQUEST = 10_000_000;
