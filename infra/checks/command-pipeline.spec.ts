import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { workspaceRoot } from '@tio/local-infra';

// Every write goes through an aggregate's command handler (libs/event-sourcing/src/pipeline), where the access rule,
// idempotency and the append are bound once. This check walks every production source file of the services and the
// agency kit and fails the build when code outside a @CommandHandler appends or runs a decider, or when a controller
// touches the event store instead of dispatching commands and queries on the buses. A new route or consumer that
// forgets the pipeline fails here.
const root = workspaceRoot();
const WRITES = new Set(['runCommand', 'appendToStream']);
const STORE_ACCESS = new Set(['EVENT_STORE', 'loadState', 'runCommand', 'appendToStream', 'readStream', 'readAll']);

const isTestFile = (rel: string) => /\.spec(-helper)?\.ts$/.test(rel) || rel.split('/').includes('testing');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', 'public'].includes(entry.name) ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const decoratorNames = (node: ts.Node): string[] =>
  (ts.canHaveDecorators(node) ? ts.getDecorators(node) ?? [] : []).map((d) =>
    ts.isCallExpression(d.expression) ? d.expression.expression.getText() : d.expression.getText(),
  );

function enclosingClass(node: ts.Node): ts.ClassDeclaration | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) if (ts.isClassDeclaration(n)) return n;
  return undefined;
}

const calledName = (call: ts.CallExpression): string =>
  ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : ts.isIdentifier(call.expression) ? call.expression.text : '';

/** What in one file breaks the pipeline rule, as "file:line what". */
export function pipelineViolations(rel: string, text: string): string[] {
  const source = ts.createSourceFile(rel, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (node: ts.Node) => `${rel}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && WRITES.has(calledName(node))) {
      const owner = enclosingClass(node);
      if (!owner || !decoratorNames(owner).includes('CommandHandler')) found.push(`${at(node)} ${calledName(node)}() outside a @CommandHandler`);
    }
    if (ts.isIdentifier(node) && STORE_ACCESS.has(node.text) && !ts.isImportSpecifier(node.parent)) {
      const owner = enclosingClass(node);
      if (owner && decoratorNames(owner).includes('Controller')) found.push(`${at(node)} controller uses ${node.text} (dispatch a command or a query instead)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the command pipeline is the only way to write', () => {
  const files = [...sourceFiles(join(root, 'services')), ...sourceFiles(join(root, 'libs/agency-kit/src'))]
    .map((path) => relative(root, path))
    .filter((rel) => !isTestFile(rel) && !rel.includes('/bench/'));

  it('walks the services and the agency kit (the check is not vacuous)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((rel) => rel.endsWith('.controller.ts')).length).toBeGreaterThan(10);
  });

  it('finds no append, decider run or event-store access outside command handlers, and no controller touching the store', () => {
    expect(files.flatMap((rel) => pipelineViolations(rel, readFileSync(join(root, rel), 'utf8')))).toEqual([]);
  });

  it('would catch a controller that appends by itself, or a service that runs a decider outside a handler', () => {
    const controller = `
      @Controller('x') class XController {
        constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
        @Post() write() { return runCommand(this.store, 's-1', decider, {}, ctx); }
      }`;
    expect(pipelineViolations('x.controller.ts', controller)).toEqual([
      'x.controller.ts:3 controller uses EVENT_STORE (dispatch a command or a query instead)',
      'x.controller.ts:4 runCommand() outside a @CommandHandler',
      'x.controller.ts:4 controller uses runCommand (dispatch a command or a query instead)',
    ]);
    const service = `@Injectable() class Writer { go() { return this.store.appendToStream('s-1', []); } }`;
    expect(pipelineViolations('writer.ts', service)).toEqual(['writer.ts:1 appendToStream() outside a @CommandHandler']);
    const handler = `@CommandHandler(X) class XHandler { execute() { return runCommand(this.store, 's-1', d, c, ctx); } }`;
    expect(pipelineViolations('handler.ts', handler)).toEqual([]);
  });
});
