import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildService } from './build-service';

// A workspace of three files: the build follows what main.ts reaches, makes the @tio alias relative and refuses a
// package that a production install leaves out.
describe('build-service', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tio-build-service-'));
    write('tsconfig.base.json', JSON.stringify({ compilerOptions: { paths: { '@tio/greeting': ['libs/greeting/src/index.ts'] } } }));
    write('package-lock.json', JSON.stringify({ packages: { '': {}, 'node_modules/ms': {}, 'node_modules/left-pad': { dev: true } } }));
    write('libs/greeting/src/index.ts', "export const greeting = (name: string): string => `hello ${name}`;\n");
    write('libs/greeting/src/unused.ts', 'export const unused = 1;\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('compiles what the service reaches, with the aliases made relative, and starts from main.js', () => {
    write('services/demo/src/main.ts', "import { greeting } from '@tio/greeting';\nimport type { Stats } from 'node:fs';\nexport const stats: Stats | undefined = undefined;\nconsole.log(greeting('image'));\n");
    const result = buildService('demo', { root, outDir: 'out' });
    expect(result).toMatchObject({ files: 2, packages: [] });
    expect(readFileSync(join(root, 'out/services/demo/src/main.js'), 'utf8')).toContain('require("../../../libs/greeting/src")');
    expect(() => readFileSync(join(root, 'out/libs/greeting/src/unused.js'))).toThrow();
    expect(execFileSync(process.execPath, [join(root, 'out/main.js')], { encoding: 'utf8' })).toBe('hello image\n');
  });

  it('compiles a file the code loads by path at run time (require.resolve, as for a worker thread)', () => {
    write('services/demo/src/main.ts', "import { Worker } from 'node:worker_threads';\nnew Worker(require.resolve('./thread'));\n");
    write('services/demo/src/thread.ts', "import { greeting } from '@tio/greeting';\nconsole.log(greeting('thread'));\n");
    const result = buildService('demo', { root, outDir: 'out' });
    expect(result).toMatchObject({ files: 3, packages: [] });
    expect(execFileSync(process.execPath, [join(root, 'out/main.js')], { encoding: 'utf8' })).toBe('hello thread\n');
  });

  it('refuses a package a production install leaves out, naming the file that requires it', () => {
    write('services/demo/src/main.ts', "import { greeting } from '@tio/greeting';\nimport ms from 'ms';\nimport pad from 'left-pad';\nconsole.log(pad(greeting(String(ms))));\n");
    expect(() => buildService('demo', { root, outDir: 'out' })).toThrow('services/demo/src/main.ts requires "left-pad", which a production install does not have');
  });
});
