import { chartFigure, type ChartOption } from './charts.js';

/** What a page gets to render into: the main element, an abort signal for its requests, route parameters. */
export interface PageContext {
  main: HTMLElement;
  signal: AbortSignal;
  params: string[];
  /** A chart figure whose first render the page's readiness (and the timing mark) waits for. */
  chart(caption: string, option: ChartOption, height?: number): HTMLElement;
  rendered: Promise<void>[];
}

export interface Page {
  name: string;
  path: RegExp;
  title: string;
  /** The label in the navigation; pages without one (a PR, one definition) are reached by links. */
  nav?: string;
  href?: string;
  render(ctx: PageContext): Promise<void>;
}

export function newContext(main: HTMLElement, signal: AbortSignal, params: string[]): PageContext {
  const rendered: Promise<void>[] = [];
  return {
    main,
    signal,
    params,
    rendered,
    chart(caption, option, height) {
      const c = chartFigure(caption, option, height);
      rendered.push(c.rendered);
      return c.figure;
    },
  };
}
