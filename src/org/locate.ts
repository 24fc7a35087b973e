import {
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Node,
} from 'yaml';
import type { FieldPath } from './issue.js';

export interface Place {
  line: number;
  column: number;
}

/**
 * Finds where things are in the YAML source. Validation works on plain values (zod sees `doc.toJS()`), so
 * every issue's path is mapped back to a node here to get its line and column; and money and long numeric
 * ids are read back from their source text here, because the plain value went through a float.
 */
export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The node at `path`, following YAML aliases (`*anchor`), or undefined when the path does not exist. */
  node(path: FieldPath): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const part of path) {
      node = this.deref(node);
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
        node = pair?.value;
      } else if (isSeq(node) && typeof part === 'number') {
        node = node.items[part];
      } else {
        return undefined;
      }
    }
    node = this.deref(node);
    return isNode(node) ? node : undefined;
  }

  /** Where a value is; for a value that is missing, where its nearest existing parent is. */
  place(path: FieldPath): Place {
    for (let n = path.length; n >= 0; n--) {
      const range = this.node(path.slice(0, n))?.range;
      if (range) return this.at(range[0]);
    }
    return { line: 1, column: 1 };
  }

  /** Where a key is written (an unknown field is best pointed at by its key, not its value). */
  keyPlace(parent: FieldPath, key: string): Place {
    const map = this.node(parent);
    if (isMap(map)) {
      for (const pair of map.items) {
        if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) {
          return this.at(pair.key.range[0]);
        }
      }
    }
    return this.place([...parent, key]);
  }

  /**
   * The source text of a number as written (`0.10`, `123456789012345678901`), so it can become a decimal or
   * an id without passing through a float. Undefined when the value is not a number scalar.
   */
  numberSource(path: FieldPath): string | undefined {
    const node = this.node(path);
    if (!isScalar(node) || typeof node.value !== 'number') return undefined;
    return typeof node.source === 'string' ? node.source : undefined;
  }

  /**
   * The path of the innermost value that contains `offset`: syntax errors come with an offset only, and a
   * field path next to them still helps the user find their way in a long file.
   */
  pathAt(offset: number): FieldPath {
    const path: (string | number)[] = [];
    let node: unknown = this.doc.contents;
    for (;;) {
      if (isMap(node)) {
        const i = node.items.findIndex((p) => contains(p.key, offset) || contains(p.value, offset));
        const pair = node.items[i];
        if (!pair || !isScalar(pair.key)) return path;
        path.push(String(pair.key.value));
        if (!contains(pair.value, offset)) return path;
        node = pair.value;
      } else if (isSeq(node)) {
        const i = node.items.findIndex((item) => contains(item, offset));
        if (i < 0) return path;
        path.push(i);
        node = node.items[i];
      } else {
        return path;
      }
    }
  }

  at(offset: number): Place {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }
}

/** Up to the end of the value itself (range[1]), not its trailing comment or line break. */
function contains(node: unknown, offset: number): boolean {
  if (!isNode(node) || !node.range) return false;
  return node.range[0] <= offset && offset <= node.range[1];
}
