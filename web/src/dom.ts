/**
 * The only way the dashboard builds DOM: elements with attributes set one by one and children added as text
 * nodes. Data never passes through innerHTML, so a name like `<img onerror=…>` stays text.
 */
export type Child = Node | string | number | null | undefined | false;
/** Children nest freely: arrays (of arrays) are flattened in order. */
export type Children = Child | readonly Children[];
export type Attrs = Record<string, string | number | boolean | null | undefined>;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Children[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    // Event handlers are wired with addEventListener, never through attributes.
    if (/^on/i.test(name)) throw new Error(`el(): attribute ${name} is not allowed`);
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Children[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) {
      append(parent, ...(child as Children[]));
      continue;
    }
    parent.appendChild(
      child instanceof Node ? child : document.createTextNode(String(child as string | number)),
    );
  }
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}
