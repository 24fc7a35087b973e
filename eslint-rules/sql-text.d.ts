import type { ESLint, Rule } from 'eslint';

export declare const sqlTextRule: Rule.RuleModule;
declare const plugin: ESLint.Plugin & { rules: { 'sql-text': Rule.RuleModule } };
export default plugin;
