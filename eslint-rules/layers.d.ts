import type { ESLint, Rule } from 'eslint';

export declare const ALLOWED: Record<string, readonly string[]>;
export declare const layersRule: Rule.RuleModule;
declare const plugin: ESLint.Plugin & { rules: { layers: Rule.RuleModule } };
export default plugin;
