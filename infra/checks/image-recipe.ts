/**
 * Performs a Dockerfile's steps without a container engine, for infra/checks/image-recipe.spec.ts: every stage gets
 * a directory of its own standing for its file system (WORKDIR /app is <stage dir>/app), COPY copies from the build
 * context (minus .dockerignore) or an earlier stage, RUN runs the command with `sh -c` there with the stage's ENV.
 * An instruction it does not know fails the recipe, so the Dockerfile cannot gain a step the test skips.
 *
 * What stands in for what, and nothing else:
 * - a full `npm ci` (dev dependencies included) in a stage that is not the image: the workspace's node_modules,
 *   which `npm test` installed with the same command from the same lockfile (it is linked, not installed twice);
 * - a cache mount on npm's cache: this machine's npm cache (a warm BuildKit cache);
 * - the base image's Node: the Node running the test; USER: recorded (the spec checks it is not root).
 */
import { spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  name?: string;
  from: string;
  instructions: Instruction[];
}

export interface ImageRecipe {
  stages: Stage[];
  /** The image: its last stage. */
  image: Stage;
}

/** The Dockerfile's instructions (comments dropped, continuation lines joined) grouped by stage. */
export function parseDockerfile(text: string): ImageRecipe {
  const instructions: Instruction[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (!pending) startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = pending + line;
    pending = '';
    const [keyword, ...rest] = full.split(/\s+/);
    instructions.push({ keyword: (keyword as string).toUpperCase(), args: rest.join(' '), line: startLine });
  });
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from, as, name] = instruction.args.split(/\s+/);
      stages.push({ from: from as string, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (!stages.length) {
      throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} before FROM`);
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  const image = stages.at(-1);
  if (!image) throw new Error('the Dockerfile has no FROM');
  return { stages, image };
}

/** Leading `--name=value` flags of an instruction, and what follows them. */
export function splitFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args.trim();
  for (let m = /^--([\w-]+)=(\S+)\s*/.exec(rest); m; m = /^--([\w-]+)=(\S+)\s*/.exec(rest)) {
    flags[m[1] as string] = m[2] as string;
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

/** The exec form (`["node", "main.js"]`) of CMD or HEALTHCHECK CMD. */
export function execForm(args: string): string[] {
  const argv = JSON.parse(args) as unknown;
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) throw new Error(`not an exec form: ${args}`);
  return argv as string[];
}

/** `ENV a=1 b=2` (the only ENV form the Dockerfile uses). */
export function envPairs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of args.split(/\s+/)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`ENV ${args}: write it as name=value pairs`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** A full install: the one step a build stage may take from the workspace instead of running. */
export const FULL_INSTALL = /^npm ci(?: --no-audit| --no-fund)*$/;
const NPM_CACHE_MOUNT = 'type=cache,target=/root/.npm';

export interface PerformedStep {
  stage: string;
  instruction: Instruction;
  /** ran (RUN), copied, set (WORKDIR, ENV, USER, HEALTHCHECK, CMD), or what stood in for it */
  how: 'ran' | 'copied' | 'set' | 'workspace node_modules';
  ms: number;
}

export interface BuiltImage {
  /** The image's file system; the service's working directory is `workdir` inside it. */
  workdir: string;
  env: Record<string, string>;
  user?: string;
  healthcheck?: string[];
  cmd?: string[];
  steps: PerformedStep[];
}

/** PATH without the workspace's node_modules/.bin directories (`npm test` puts them there; an image has none). */
export function hostPath(): string {
  return (process.env['PATH'] ?? '').split(':').filter((dir) => !dir.includes('node_modules')).join(':');
}

/**
 * Variables a RUN step gets from this machine: where node and npm are, and how npm reaches its registry (a mirror,
 * a proxy, a CA). Not the rest of npm's own variables: under `npm test` they name the workspace as the prefix.
 */
function hostEnv(): Record<string, string> {
  const registry = /^(npm_config_(registry|userconfig|globalconfig|cache|cafile|ca|strict_ssl|proxy|https_proxy|noproxy|fetch_[a-z_]+|@[\w-]+:registry)|https?_proxy|no_proxy)$/i;
  const keep = Object.entries(process.env).filter(([k, v]) => v !== undefined && (k === 'HOME' || registry.test(k)));
  return { ...(Object.fromEntries(keep) as Record<string, string>), PATH: hostPath() };
}

function run(command: string, cwd: string, env: Record<string, string>, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logFile, { flags: 'a' });
    log.write(`\n$ ${command}\n`);
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString()).slice(-3000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      log.end();
      if (code === 0) resolve();
      else reject(new Error(`RUN ${command} exited with ${code}:\n${tail}`));
    });
  });
}

function dockerIgnored(context: string): (path: string) => boolean {
  const file = join(context, '.dockerignore');
  const patterns = existsSync(file) ? readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')) : [];
  for (const p of patterns) if (/[*?[!]/.test(p)) throw new Error(`.dockerignore pattern ${p}: the recipe test only knows plain paths`);
  return (path) => {
    const rel = relative(context, path);
    return patterns.some((p) => rel === p || rel.startsWith(`${p}/`));
  };
}

/** Performs every stage of the recipe under `into`; `context` is the build context (the workspace). */
export async function performRecipe(recipe: ImageRecipe, context: string, into: string): Promise<BuiltImage> {
  const ignored = dockerIgnored(context);
  const stageRoots = new Map<string, string>();
  const steps: PerformedStep[] = [];
  let built: BuiltImage | undefined;
  for (const [index, stage] of recipe.stages.entries()) {
    const label = stage.name ?? `stage-${index}`;
    const fsRoot = join(into, label);
    mkdirSync(fsRoot, { recursive: true });
    stageRoots.set(label, fsRoot);
    const isImage = stage === recipe.image;
    const state: BuiltImage = { workdir: fsRoot, env: {}, steps };
    let workdir = '/';
    const inStage = (path: string) => join(fsRoot, posix.resolve(workdir, path));
    for (const instruction of stage.instructions) {
      const started = Date.now();
      let how: PerformedStep['how'] = 'set';
      const { flags, rest } = splitFlags(instruction.args);
      switch (instruction.keyword) {
        case 'WORKDIR':
          workdir = posix.resolve(workdir, rest);
          mkdirSync(inStage('.'), { recursive: true });
          break;
        case 'ENV':
          Object.assign(state.env, envPairs(rest));
          break;
        case 'USER':
          state.user = rest;
          break;
        case 'HEALTHCHECK': {
          if (!rest.startsWith('CMD ')) throw new Error(`Dockerfile line ${instruction.line}: HEALTHCHECK needs CMD in exec form`);
          state.healthcheck = execForm(rest.slice(4));
          break;
        }
        case 'CMD':
          state.cmd = execForm(rest);
          break;
        case 'COPY': {
          const parts = rest.split(/\s+/);
          const dest = parts.pop() as string;
          const fromRoot = flags['from'] ? stageRoots.get(flags['from']) : undefined;
          if (flags['from'] && !fromRoot) throw new Error(`Dockerfile line ${instruction.line}: no earlier stage ${flags['from']}`);
          const unknown = Object.keys(flags).filter((f) => f !== 'from');
          if (unknown.length) throw new Error(`Dockerfile line ${instruction.line}: COPY --${unknown.join(', --')} is not performed by the recipe test`);
          for (const src of parts) {
            const source = fromRoot ? join(fromRoot, posix.resolve('/', src)) : join(context, src);
            if (!existsSync(source)) throw new Error(`Dockerfile line ${instruction.line}: ${src} does not exist`);
            const intoDir = dest.endsWith('/') || parts.length > 1;
            const target = statSync(source).isDirectory() || !intoDir ? inStage(dest) : join(inStage(dest), posix.basename(src));
            cpSync(source, target, { recursive: true, filter: (p) => fromRoot !== undefined || !ignored(p) });
          }
          how = 'copied';
          break;
        }
        case 'RUN': {
          for (const [flag, value] of Object.entries(flags)) {
            if (flag !== 'mount' || value !== NPM_CACHE_MOUNT) throw new Error(`Dockerfile line ${instruction.line}: RUN --${flag}=${value} is not performed by the recipe test`);
          }
          if (!isImage && FULL_INSTALL.test(rest)) {
            symlinkSync(join(context, 'node_modules'), inStage('node_modules'), 'dir');
            how = 'workspace node_modules';
          } else {
            await run(rest, inStage('.'), { ...hostEnv(), ...state.env }, join(into, `${label}.log`));
            how = 'ran';
          }
          break;
        }
        case 'EXPOSE':
        case 'LABEL':
          break;
        default:
          throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} is not performed by infra/checks/image-recipe.ts; teach it, or the test would skip a step`);
      }
      steps.push({ stage: label, instruction, how, ms: Date.now() - started });
    }
    state.workdir = inStage('.');
    if (isImage) built = state;
  }
  return built as BuiltImage;
}
