// Types for layers.mjs (plain JavaScript because eslint.config.js loads it without a build step).
import type { Rule } from 'eslint';

/** One layer of the allow-list: its files, and the layers and packages it may import. */
export interface Layer {
  files: string[];
  allow?: string[];
  packages?: string[];
  tests?: { allow?: string[]; packages?: string[] };
  /** Layers this one may import types (and nothing else) from. */
  types?: string[];
}

/** The layer a repo-relative path belongs to, or null. */
export function layerOf(
  layers: Record<string, Layer>,
  p: string,
): { name: string; instance: string; layer: Layer; pattern: string } | null;

/** The package a bare import specifier names ('node:' for every Node built-in). */
export function packageOf(spec: string): string;

/** The vq/layers ESLint rule. */
export const layersRule: Rule.RuleModule;

declare const plugin: { rules: { layers: Rule.RuleModule } };
export default plugin;
