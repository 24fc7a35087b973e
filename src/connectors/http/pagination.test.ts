import { describe, expect, it } from 'vitest';
import { nextPageNumber } from './pagination.js';

describe('nextPageNumber (GitLab offset pagination)', () => {
  it.each([
    [{ 'x-next-page': '3' }, 3],
    // The last page: GitLab sends the header empty.
    [{ 'x-next-page': '' }, null],
    // Large sets may omit the x- headers: the Link header still says where the next page is.
    [
      {
        link: '<https://gitlab.example.com/api/v4/projects/12/merge_requests?page=1&per_page=50>; rel="prev", <https://gitlab.example.com/api/v4/projects/12/merge_requests?page=3&per_page=50>; rel="next"',
      },
      3,
    ],
    [{ link: '<https://gitlab.example.com/api/v4/x?page=1>; rel="first"' }, null],
    [{}, null],
  ])('%j → %j', (headers, page) => {
    expect(nextPageNumber(new Headers(headers))).toBe(page);
  });
});
