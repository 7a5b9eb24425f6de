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

/** What each `@Controller` class of a file takes in its constructor, by parameter type (or injection token). */
export function controllerInjections(rel: string, text: string): { controller: string; injects: string[] }[] {
  const source = ts.createSourceFile(rel, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: { controller: string; injects: string[] }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) && decoratorNames(node).includes('Controller')) {
      const ctor = node.members.find(ts.isConstructorDeclaration);
      const injects = (ctor?.parameters ?? []).map((p) => {
        const inject = (ts.getDecorators(p) ?? []).find((d) => ts.isCallExpression(d.expression) && d.expression.expression.getText() === 'Inject');
        return inject && ts.isCallExpression(inject.expression) ? `@Inject(${inject.expression.arguments[0]?.getText()})` : p.type?.getText() ?? '?';
      });
      found.push({ controller: node.name?.text ?? '(anonymous)', injects });
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

  it("the case service's controllers take only the command and query buses", () => {
    const caseControllers = files
      .filter((rel) => rel.startsWith('services/case/'))
      .flatMap((rel) => controllerInjections(rel, readFileSync(join(root, rel), 'utf8')));
    expect(caseControllers.map((c) => c.controller).sort()).toEqual([
      'AssessmentAdviceController', 'CaseController', 'FamilyActionsController', 'FamilyEntryController', 'FamilyLinksController', 'PersonalDataController', 'PlanController', 'TransfersController',
    ]);
    expect(caseControllers.filter((c) => c.injects.some((i) => i !== 'CommandBus' && i !== 'QueryBus'))).toEqual([]);
    const leaky = `@Controller('x') class XController { constructor(private readonly commands: CommandBus, @Inject(EVENT_STORE) store: EventStore, private readonly svc: CaseService) {} }`;
    expect(controllerInjections('x.controller.ts', leaky)).toEqual([{ controller: 'XController', injects: ['CommandBus', '@Inject(EVENT_STORE)', 'CaseService'] }]);
  });

  it("the agency kit's and the agency services' controllers take only the buses (and the advice command preparer)", () => {
    // Input parsing, the principal, guards and error filters reach a controller through decorators, not its constructor.
    const allowed: Record<string, string> = {
      CommandBus: 'dispatches commands',
      QueryBus: 'dispatches queries: every read, with its access rule and access log, is a @QueryHandler',
      AdviceCommands: "prepares an advice command from the REST body (the case's request, cited advice) and sends it on the CommandBus; the Kafka intake shares it",
    };
    const agencyControllers = files
      .filter((rel) => /^(libs\/agency-kit|services\/(education|health|social-care))\//.test(rel))
      .flatMap((rel) => controllerInjections(rel, readFileSync(join(root, rel), 'utf8')));
    expect(agencyControllers.map((c) => c.controller).sort()).toEqual(['AdviceController', 'AgencyAccessLogController', 'AssessmentsController', 'CommissioningController', 'FamilyAdviceController', 'GraduatedResponseController', 'WorklistController']);
    expect(agencyControllers.filter((c) => c.injects.some((i) => !Object.hasOwn(allowed, i)))).toEqual([]);
    const reading = `@Controller('x') class XController { constructor(private readonly queries: QueryBus, @Inject(PG_POOL) pool: Pool, private readonly access: CaseReads) {} }`;
    expect(controllerInjections('x.controller.ts', reading)[0].injects.filter((i) => !Object.hasOwn(allowed, i))).toEqual(['@Inject(PG_POOL)', 'CaseReads']);
  });

  it("the timeline's and the audit's controllers take only the buses, plus what an SSE stream or a token-in-URL page needs", () => {
    // Each non-bus injection is an HTTP concern, allowed only in the controller that has it. Every case read (and its
    // access check and access-log entry) is a @QueryHandler; the stream's revocation entry is a command.
    const buses = ['CommandBus', 'QueryBus'];
    const httpConcerns: Record<string, { controllers: string[]; why: string }> = {
      '@Inject(TokenVerifier)': {
        controllers: ['StreamController', 'PerformanceController'],
        why: '@Public routes that authenticate their own token: EventSource and a browser navigation cannot send an Authorization header',
      },
      '@Inject(CaseFeeds)': { controllers: ['StreamController'], why: "the push side of an open SSE response: the case's feed, which reads each change once through the QueryBus for all of the case's open streams" },
      '@Inject(TimelineMetrics)': { controllers: ['StreamController'], why: 'the gauge of open SSE connections, counted where a connection opens and closes' },
    };
    const offending = (c: { controller: string; injects: string[] }) =>
      c.injects.filter((i) => !buses.includes(i) && !httpConcerns[i]?.controllers.includes(c.controller));
    const controllers = files
      .filter((rel) => /^services\/(timeline|audit)\//.test(rel))
      .flatMap((rel) => controllerInjections(rel, readFileSync(join(root, rel), 'utf8')));
    expect(controllers.map((c) => c.controller).sort()).toEqual(['AccessLogController', 'AuditController', 'FamilyController', 'PerformanceController', 'StreamController', 'TimelineController', 'WebController']);
    expect(controllers.filter((c) => offending(c).length > 0)).toEqual([]);
    const leaky = `@Controller('x') class StreamController { constructor(private readonly queries: QueryBus, @Inject(CaseFeeds) feeds: CaseFeeds, @Inject(TimelineQueries) private readonly repo: TimelineQueries, private readonly audit: AuditService) {} }`;
    expect(controllerInjections('x.controller.ts', leaky).map(offending)).toEqual([['@Inject(TimelineQueries)', 'AuditService']]);
    const elsewhere = `@Controller('x') class TimelineController { constructor(private readonly queries: QueryBus, @Inject(TokenVerifier) v: TokenVerifier) {} }`;
    expect(controllerInjections('x.controller.ts', elsewhere).map(offending)).toEqual([['@Inject(TokenVerifier)']]);
  });
});
