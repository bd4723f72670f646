// Lists every public export (of @selur/compose, @selur/compose/vitest, @selur/compose-docker,
// @selur/compose-selur and @selur/compose-kubernetes) whose declaration lacks a doc comment or an @example. Exit 1 when any does.
import ts from 'typescript';

const entries = ['packages/compose/src/index.ts', 'packages/compose/src/vitest.ts', 'packages/compose/src/otel.ts', 'packages/docker/src/index.ts', 'packages/selur/src/index.ts', 'packages/kubernetes/src/index.ts', 'packages/swarm/src/index.ts'];
const program = ts.createProgram(entries, {
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true, skipLibCheck: true, noEmit: true,
  baseUrl: '.', paths: { '@selur/compose': ['packages/compose/src/index.ts'] },
});
const checker = program.getTypeChecker();
const missing = [];
let total = 0;
for (const entry of entries) {
  const file = program.getSourceFile(entry);
  if (!file) continue;
  const module = checker.getSymbolAtLocation(file);
  if (!module) continue;
  for (const exported of checker.getExportsOfModule(module)) {
    total++;
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = symbol.getDeclarations() ?? [];
    const docs = symbol.getDocumentationComment(checker);
    const tags = symbol.getJsDocTags(checker);
    const hasExample = tags.some((t) => t.name === 'example');
    const isType = declarations.every((d) => ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d));
    // Types need prose; values (functions, classes, constants) need prose and an example.
    if (docs.length === 0 || (!isType && !hasExample)) {
      const where = declarations[0] ? `${declarations[0].getSourceFile().fileName}` : '?';
      missing.push(`${entry.replace('packages/', '').replace('/src/index.ts', '')}: ${exported.name} (${docs.length === 0 ? 'no doc comment' : 'no @example'}) — ${where}`);
    }
  }
}
console.log(`${total - missing.length}/${total} public exports documented${missing.length ? `; missing:\n  ${missing.join('\n  ')}` : ''}`);
process.exit(missing.length ? 1 : 0);
