/**
 * Builds one service to plain JavaScript for the container image: `nx run <service>:build` (the Dockerfile's build
 * stage runs it for every service). Starting from services/<service>/src/main.ts it compiles with SWC (the settings
 * the tests and `npm start` use) every file the service reaches, and only those, into dist/services/<service>/,
 * keeping the workspace's layout; the `@tio/*` aliases of tsconfig.base.json become relative paths, so the output
 * needs no path mapping at run time. `node dist/services/<service>/main.js` starts it.
 *
 * The build fails, saying which file asked for what, when the service's code requires a package that a production
 * install (`npm ci --omit=dev`) leaves out: the image would exit at start.
 *
 * usage: build-service.ts <service> [--out <dir>]   (default dist/services/<service>, relative to the workspace)
 */
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseSync, transformFileSync, type Options } from '@swc/core';

/** Files a project reads next to its code at run time (through __dirname), copied with it. */
const ASSETS: Record<string, string[]> = {
  'services/timeline': ['src/web/public'],
  'services/web': ['src/views', 'src/public'],
  'libs/contracts': ['schemas', 'asyncapi.yaml'],
};

export interface BuildResult {
  service: string;
  outDir: string;
  files: number;
  /** Packages the service's own code requires, each available in a production install. */
  packages: string[];
}

interface LockFile {
  packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean }>;
}

function swcOptions(root: string): Options {
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: root,
      paths: compilerOptions.paths,
    },
    module: { type: 'commonjs' },
    sourceMaps: true,
    swcrc: false,
    configFile: false,
  };
}

/**
 * Every string a `require("...")` or `require.resolve("...")` call asks for in compiled JavaScript (imports left after
 * type-only ones went; `require.resolve` names a file loaded by path at run time, such as a worker thread's).
 */
function requiredSpecifiers(code: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as {
      type?: string;
      callee?: { type?: string; value?: string; object?: { type?: string; value?: string }; property?: { type?: string; value?: string } };
      arguments?: Array<{ expression?: { type?: string; value?: string } }>;
    };
    const isRequire = n.callee?.type === 'Identifier' && n.callee.value === 'require';
    const isRequireResolve = n.callee?.type === 'MemberExpression' && n.callee.object?.type === 'Identifier' && n.callee.object.value === 'require' && n.callee.property?.value === 'resolve';
    if (n.type === 'CallExpression' && (isRequire || isRequireResolve)) {
      const arg = n.arguments?.[0]?.expression;
      if (arg?.type === 'StringLiteral' && typeof arg.value === 'string') found.push(arg.value);
    }
    for (const value of Object.values(node)) if (value && typeof value === 'object') visit(value);
  };
  visit(parseSync(code, { syntax: 'ecmascript' }));
  return found;
}

function resolveSource(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${fromFile}: cannot resolve "${specifier}"`);
}

const packageName = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(packageName(specifier));

/** The project (services/x or libs/x) a workspace file belongs to. */
const projectOf = (relPath: string) => relPath.split('/').slice(0, 2).join('/');

export function buildService(service: string, options: { root?: string; outDir?: string } = {}): BuildResult {
  const root = resolve(options.root ?? join(__dirname, '..', '..'));
  const outDir = resolve(root, options.outDir ?? join('dist', 'services', service));
  const main = join(root, 'services', service, 'src', 'main.ts');
  if (!existsSync(main)) throw new Error(`no service "${service}": ${relative(root, main)} does not exist`);
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as LockFile;
  const inProductionInstall = (name: string) => {
    const entry = lock.packages[`node_modules/${name}`];
    return entry !== undefined && !entry.dev && !entry.devOptional;
  };

  rmSync(outDir, { recursive: true, force: true });
  const swc = swcOptions(root);
  const done = new Set<string>();
  const queue = [main];
  const packages = new Set<string>();
  const missing: string[] = [];
  const projects = new Set<string>();
  while (queue.length) {
    const file = queue.pop() as string;
    if (done.has(file)) continue;
    done.add(file);
    const rel = relative(root, file);
    if (rel.startsWith('..')) throw new Error(`${file} is outside the workspace`);
    projects.add(projectOf(rel));
    const target = join(outDir, rel);
    mkdirSync(dirname(target), { recursive: true });
    if (!file.endsWith('.ts')) {
      cpSync(file, target); // e.g. a JSON file
      continue;
    }
    const source = readFileSync(file, 'utf8');
    if (/\b__dirname\b/.test(source) && !ASSETS[projectOf(rel)]) {
      throw new Error(`${rel} reads files next to itself (__dirname): list them in ASSETS in ${relative(root, __filename)}`);
    }
    const { code, map } = transformFileSync(file, { ...swc, filename: file, sourceFileName: relative(dirname(target), file) });
    const jsFile = target.replace(/\.ts$/, '.js');
    writeFileSync(jsFile, `${code}\n//# sourceMappingURL=${basename(jsFile)}.map\n`);
    if (map) writeFileSync(`${jsFile}.map`, map);
    for (const specifier of requiredSpecifiers(code)) {
      if (specifier.startsWith('.')) queue.push(resolveSource(file, specifier));
      else if (isBuiltin(specifier)) continue;
      else if (inProductionInstall(packageName(specifier))) packages.add(packageName(specifier));
      else missing.push(`${rel} requires "${specifier}", which a production install does not have (a devDependency or not installed)`);
    }
  }
  if (missing.length) throw new Error(`the ${service} service would not start from a production install:\n  ${[...new Set(missing)].join('\n  ')}`);
  for (const project of projects) {
    for (const asset of ASSETS[project] ?? []) cpSync(join(root, project, asset), join(outDir, project, asset), { recursive: true });
  }
  writeFileSync(join(outDir, 'main.js'), `'use strict';\nrequire('./services/${service}/src/main.js');\n`);
  return { service, outDir, files: done.size, packages: [...packages].sort() };
}

if (require.main === module) {
  const [service, flag, out] = process.argv.slice(2);
  if (!service || (flag !== undefined && (flag !== '--out' || !out))) {
    console.error('usage: build-service.ts <service> [--out <dir>]');
    process.exit(2);
  }
  const started = Date.now();
  try {
    const result = buildService(service, { outDir: out });
    console.log(`${service}: ${result.files} files -> ${relative(process.cwd(), result.outDir) || '.'} in ${Date.now() - started} ms; packages: ${result.packages.join(', ')}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
