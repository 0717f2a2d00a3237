/**
 * The `vq/layers` ESLint rule: an allow-list of who may import whom. Every source file belongs to
 * exactly one layer (the longest matching path in the table eslint.config.js passes in), and each
 * layer names the layers and packages it may import; anything else — including a file that belongs
 * to no layer — is an error that names the rule to follow. Type-only imports count: a type import
 * that runs the wrong way is still a dependency the wrong way.
 *
 * A layer's `files` are repo-relative paths: a folder ends with '/', a file is named in full, and a
 * `*` segment makes every subfolder its own instance (views/*: a view may import its own folder and
 * the layers it allows, never a sibling view). Test files (*.test.ts, *.test.tsx) may also import
 * the layers and packages in `tests`. `types` lists layers a file may import types from (`import
 * type`, `export type`) but no code — how the sandboxed preload reads the API's types while its
 * bundle stays free of anything but the IPC channel names.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const BUILTINS = new Set(builtinModules);

/** A file path relative to the repo root, with forward slashes. */
function repoPath(root, file) {
  return path.relative(root, file).split(path.sep).join('/');
}

/** The part of `p` a layer path matches (`*` matches one folder name), or null. */
function matchPrefix(pattern, p) {
  const pat = pattern.split('/');
  const parts = p.split('/');
  const isFolder = pattern.endsWith('/');
  const segments = isFolder ? pat.slice(0, -1) : pat;
  if (isFolder ? parts.length <= segments.length : parts.length !== segments.length) return null;
  for (let i = 0; i < segments.length; i++) {
    if (segments[i] !== '*' && segments[i] !== parts[i]) return null;
  }
  return parts.slice(0, segments.length).join('/');
}

/**
 * The layer of a repo-relative path: `{ name, instance, layer }` of the longest matching entry, or
 * null when no layer claims it.
 */
export function layerOf(layers, p) {
  let best = null;
  for (const [name, layer] of Object.entries(layers)) {
    for (const pattern of layer.files) {
      const instance = matchPrefix(pattern, p);
      if (instance !== null && (!best || pattern.length > best.pattern.length)) {
        best = { name, instance, layer, pattern };
      }
    }
  }
  return best;
}

/** The package a bare specifier names: 'node:fs' → 'node:', '@a/b/c' → '@a/b', 'x/y' → 'x'. */
export function packageOf(spec) {
  if (spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0])) return 'node:';
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function allowsPackage(list, pkg) {
  return list.some(
    (p) => p === '*' || p === pkg || (p.endsWith('/*') && pkg.startsWith(p.slice(0, -1))),
  );
}

const isTestFile = (p) => /\.test\.tsx?$/.test(p);

const SUFFIXES = ['', '.ts', '.tsx', '.mjs', '.js', '/index.ts', '/index.tsx'];

/** The file a relative import names, as TypeScript resolves it (extension or index optional). */
function resolveImport(fromFile, spec) {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const suffix of SUFFIXES) {
    const candidate = base + suffix;
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return base;
}

/** @type {import('eslint').Rule.RuleModule} */
export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layer allow-list in eslint.config.js.' },
    schema: [
      {
        type: 'object',
        properties: { root: { type: 'string' }, layers: { type: 'object' } },
        required: ['root', 'layers'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const { root, layers } = context.options[0];
    const file = repoPath(root, context.filename);
    const own = layerOf(layers, file);
    const test = isTestFile(file);

    if (!own) {
      return {
        Program(node) {
          context.report({
            node,
            message: `${file} belongs to no layer: add its folder to the layer table in eslint.config.js.`,
          });
        },
      };
    }
    const allowedLayers = new Set([
      ...(own.layer.allow ?? []),
      ...(test ? (own.layer.tests?.allow ?? []) : []),
    ]);
    const allowedPackages = [
      ...(own.layer.packages ?? []),
      ...(test ? (own.layer.tests?.packages ?? []) : []),
    ];

    const typeLayers = new Set(own.layer.types ?? []);

    function check(node, spec, typeOnly = false) {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = repoPath(root, resolveImport(context.filename, spec));
        const to = layerOf(layers, target);
        if (!to) {
          context.report({ node, message: `'${spec}' (${target}) belongs to no layer.` });
          return;
        }
        if (to.name === own.name) {
          if (to.instance !== own.instance && own.pattern.includes('*')) {
            context.report({
              node,
              message: `${own.instance} may not import ${to.instance}: each ${own.name} imports only its own folder; move what both need to a layer they may import (${[...allowedLayers].join(', ')}).`,
            });
          }
          return;
        }
        if (!allowedLayers.has(to.name) && !(typeOnly && typeLayers.has(to.name))) {
          context.report({
            node,
            message: `${own.name} (${file}) may not import ${to.name} ('${spec}'). ${own.name} may import: ${[...allowedLayers].join(', ') || 'nothing outside itself'}.`,
          });
        }
        return;
      }
      const pkg = packageOf(spec);
      if (!allowsPackage(allowedPackages, pkg)) {
        context.report({
          node,
          message: `${own.name} (${file}) may not import the package '${pkg === 'node:' ? spec : pkg}'. Allowed packages: ${allowedPackages.join(', ') || 'none'}.`,
        });
      }
    }

    /** The text of a string literal or a template without expressions; null for anything else. */
    const literalText = (node) => {
      if (node?.type === 'Literal' && typeof node.value === 'string') return node.value;
      if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) {
        return node.quasis[0].value.cooked;
      }
      return null;
    };
    const typeOnlyImport = (node) =>
      node.importKind === 'type' ||
      node.exportKind === 'type' ||
      (node.specifiers?.length > 0 &&
        node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));
    const fromSource = (node) => check(node.source, node.source?.value, typeOnlyImport(node));
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: (node) => node.source && fromSource(node),
      ExportAllDeclaration: fromSource,
      ImportExpression(node) {
        const spec = literalText(node.source);
        if (spec === null) {
          context.report({
            node,
            message:
              'import() with a computed path cannot be checked against the layers: name the module.',
          });
        } else check(node.source, spec);
      },
      // `import('x').T` in a type position: a type-only dependency.
      TSImportType(node) {
        const arg = node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.source;
        const spec = literalText(arg);
        if (spec !== null) check(node, spec, true);
      },
      CallExpression(node) {
        const callee = node.callee;
        const isRequire = callee.type === 'Identifier' && callee.name === 'require';
        const isMock =
          callee.type === 'MemberExpression' &&
          callee.object.type === 'Identifier' &&
          callee.object.name === 'vi' &&
          callee.property.type === 'Identifier' &&
          callee.property.name === 'mock';
        const arg = node.arguments[0];
        if ((isRequire || isMock) && arg?.type === 'Literal') check(arg, arg.value);
      },
    };
  },
};

export default { rules: { layers: layersRule } };
