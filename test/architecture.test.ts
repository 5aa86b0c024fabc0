/**
 * The layout the README draws, enforced: features sit side by side over one core of shared records; a feature that
 * others need exposes a small index.ts; the Lark edge and the cards know no feature; SQL lives in repositories only.
 * A new import across these lines fails here, with the line that made it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const FILES = [...sourceFiles('src'), ...sourceFiles('cards')];
const IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

interface Edge {
  from: string;
  to: string;
  line: string;
}

/** Every relative import of every source file, resolved to the imported file (without .ts). */
const EDGES: Edge[] = FILES.flatMap((file) =>
  readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .flatMap((line) =>
      [...line.matchAll(IMPORT)].map((m) => ({
        from: file,
        to: normalize(join(dirname(file), m[1]!)),
        line: line.trim(),
      })),
    ),
);

/** Where a file sits: a feature (by name), the core, the Lark edge, the cards, the platform... */
function area(path: string): { kind: string; feature?: string; rest?: string } {
  const p = path.replace(/\.ts$/, '');
  const feature = /^src\/features\/([^/]+)\/(.+)$/.exec(p);
  if (feature) return { kind: 'feature', feature: feature[1], rest: feature[2] };
  if (p.startsWith('src/playground/web/')) return { kind: 'page' };
  for (const kind of ['core', 'lark', 'platform', 'competition', 'emulator', 'entry', 'playground'])
    if (p.startsWith(`src/${kind}/`)) return { kind };
  if (p.startsWith('cards/')) return { kind: 'cards' };
  if (p.startsWith('db/')) return { kind: 'db' };
  return { kind: 'root' };
}

/** Deletes by age from tables other repositories own: the one place that decides what is kept (see its header). */
const RETENTION = 'src/platform/retention.repository.ts';

const show = (edges: Edge[]) => edges.map((e) => `${e.from}: ${e.line}`);

describe('the architecture', () => {
  it('only the entries reach the playground; the server loads it only when it starts one (a dynamic import)', () => {
    const bad = EDGES.filter(
      (e) =>
        ['playground', 'page'].includes(area(e.to).kind) &&
        !['playground', 'page', 'entry'].includes(area(e.from).kind),
    );
    expect(show(bad)).toEqual([]);
    const eager = EDGES.filter(
      (e) => e.from === 'src/entry/node.ts' && area(e.to).kind === 'playground' && !/await import\(/.test(e.line),
    );
    expect(show(eager)).toEqual([]);
  });

  it("the playground's page (src/playground/web, bundled for the browser) imports only itself and the card rules", () => {
    const bad = EDGES.filter(
      (e) => area(e.from).kind === 'page' && area(e.to).kind !== 'page' && e.to !== 'src/lark/card-rules',
    );
    expect(show(bad)).toEqual([]);
    const nodeOnly = sourceFiles('src/playground/web').filter((f) =>
      /from\s+['"]node:|require\(/.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(nodeOnly).toEqual([]);
  });

  it("features import each other only through a feature's index.ts", () => {
    const bad = EDGES.filter((e) => {
      const a = area(e.from);
      const b = area(e.to);
      return a.kind === 'feature' && b.kind === 'feature' && a.feature !== b.feature && b.rest !== 'index';
    });
    expect(show(bad)).toEqual([]);
  });

  it('the Lark edge, the core and the platform import no feature', () => {
    const bad = EDGES.filter(
      (e) => ['lark', 'core', 'platform', 'competition'].includes(area(e.from).kind) && area(e.to).kind === 'feature',
    );
    expect(show(bad)).toEqual([]);
  });

  it('cards import no feature: limits and labels come from their forms (cards/*.form.ts), the core or the competition', () => {
    const bad = EDGES.filter((e) => area(e.from).kind === 'cards' && area(e.to).kind === 'feature');
    expect(show(bad)).toEqual([]);
  });

  it('the core and the platform do not import the Lark edge (the Lark edge imports them)', () => {
    const bad = EDGES.filter(
      (e) =>
        ['core', 'platform', 'competition'].includes(area(e.from).kind) &&
        area(e.to).kind === 'lark' &&
        !e.to.startsWith('src/lark/card-rules'),
    );
    expect(show(bad)).toEqual([]);
  });

  it('the platform imports nothing above it', () => {
    const bad = EDGES.filter((e) => area(e.from).kind === 'platform' && !['platform', 'db'].includes(area(e.to).kind));
    expect(show(bad)).toEqual([]);
  });

  it('SQL is written only in repositories (*.repository.ts) and migrations (db/)', () => {
    const STATEMENT =
      /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql`|\bsql<|\.schema\s*\.\s*(create|alter|drop)/;
    const bad = FILES.filter((f) => !f.endsWith('.repository.ts')).flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .filter((line) => STATEMENT.test(line) && !/^\s*(\*|\/\/)/.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(bad).toEqual([]);
    // The check sees SQL where it is: the repositories are full of it.
    expect(
      FILES.filter((f) => f.endsWith('.repository.ts') && STATEMENT.test(readFileSync(join(ROOT, f), 'utf8'))).length,
    ).toBeGreaterThan(15);
  });

  it('handlers and services reach the database only through repositories (s.repos, s.transaction), never the connection', () => {
    const bad = FILES.filter(
      (f) => ['feature', 'core', 'cards'].includes(area(f).kind) && !f.endsWith('.repository.ts'),
    ).flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .filter(
          (line) => /from 'kysely'|\bKysely<|\bTransaction<|\.db\b(?!\/)/.test(line) && !/^\s*(\*|\/\/)/.test(line),
        )
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(bad).toEqual([]);
  });

  it('every table has one repository that owns it: no other file names it in a statement', () => {
    const schema = readFileSync(join(ROOT, 'db/schema.ts'), 'utf8');
    const tables = [...schema.matchAll(/^ {2}([a-z_]+): [A-Za-z]+Table;$/gm)].map((m) => m[1]!);
    expect(tables.length).toBeGreaterThan(20);
    // Retention is the one exception, by design: it deletes old rows of tables others own (checked below).
    const repositories = FILES.filter((f) => f.endsWith('.repository.ts') && f !== RETENTION).map((f) => ({
      f,
      text: readFileSync(join(ROOT, f), 'utf8'),
    }));
    const owners = Object.fromEntries(
      tables.map((t) => {
        const named = new RegExp(`(selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin)\\(\\s*'${t}'`);
        return [t, repositories.filter((r) => named.test(r.text)).map((r) => r.f)];
      }),
    );
    expect(Object.entries(owners).filter(([, files]) => files.length > 1)).toEqual([]);
    expect(owners.projects).toEqual(['src/core/projects.repository.ts']);
    expect(owners.role_grants).toEqual(['src/core/roles.repository.ts']);
  });

  it('retention only deletes old rows, of the outbox, inbox, receipts and run slots; the audit log is never pruned', () => {
    const text = readFileSync(join(ROOT, RETENTION), 'utf8');
    const named = [
      ...text.matchAll(/(selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin)\(\s*'([a-z_]+)'/g),
    ];
    expect([...new Set(named.map((m) => m[2]))].sort()).toEqual(['cron_runs', 'inbox', 'outbox', 'receipts']);
    expect([...new Set(named.map((m) => m[1]))].sort()).toEqual(['deleteFrom', 'selectFrom']);
  });

  it('tests mirror the source: a test sits in the folder of what it tests (test/features/awards ↔ src/features/awards)', () => {
    const tests = sourceFiles('test').filter((f) => f.endsWith('.test.ts'));
    const misplaced = tests.filter((f) => {
      const dir = dirname(f).replace(/^test\/?/, '');
      if (!dir) return false; // the whole app: the architecture, the app, configuration, authorisation across features
      return !existsSync(join(ROOT, 'src', dir)) && !existsSync(join(ROOT, dir));
    });
    expect(misplaced).toEqual([]);
    expect(tests.length).toBeGreaterThan(50);
  });

  it('the paths checked here exist (a renamed folder does not silently pass)', () => {
    expect(FILES.some((f) => f.startsWith('src/core/'))).toBe(true);
    expect(FILES.filter((f) => area(f).kind === 'feature').length).toBeGreaterThan(20);
    expect(EDGES.length).toBeGreaterThan(300);
    expect(relative(ROOT, join(ROOT, 'src'))).toBe('src');
  });
});
