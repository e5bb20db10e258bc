#!/usr/bin/env node
// npm run check:cycles [-- --project path/to/tsconfig.json] (part of `npm run check`): fails when
// files of the TypeScript project import each other in a cycle, directly or through others.
//
// Every import counts, `import type` included: it runs nothing, but it still ties the two files
// together, so that neither can be understood, tested or moved alone, and the cycles this project
// has had were of that kind. Specifiers are resolved by TypeScript itself with the project's
// options, so `./x.js` reaches `./x.ts` exactly as tsc sees it; packages are left out.
import { dirname, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/**
 * Cycles that exist today and are being removed (issue 10: the push moves out of the CLI). Each is
 * tolerated only while its files form a cycle on their own: a cycle that grows past them, or any
 * other, fails. Once one is gone, the check fails until its entry is deleted here; delete the list
 * when it is empty.
 */
const TOLERATED_CYCLES = [];

/** Reads the project's files and, for each, the project files it imports (absolute paths). */
function readImportGraph(configPath) {
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error(`cannot read ${configPath}`);
  if (config.errors.length > 0)
    throw new Error(config.errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, '\n')).join('\n'));
  const files = new Set(config.fileNames.map((file) => resolve(file)));
  const graph = new Map();
  for (const file of files) {
    const text = ts.sys.readFile(file) ?? '';
    const imported = new Set();
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      const target = ts.resolveModuleName(fileName, file, config.options, ts.sys).resolvedModule?.resolvedFileName;
      if (target !== undefined && files.has(resolve(target))) imported.add(resolve(target));
    }
    graph.set(file, [...imported].sort());
  }
  return graph;
}

/** The strongly connected components that hold a cycle (Tarjan's algorithm, iterative). */
function findCycles(graph) {
  const index = new Map();
  const lowLink = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work = [{ node: root, edge: 0 }];
    index.set(root, next);
    lowLink.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work.at(-1);
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const target = edges[frame.edge++];
        if (!index.has(target)) {
          index.set(target, next);
          lowLink.set(target, next++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, edge: 0 });
        } else if (onStack.has(target)) {
          lowLink.set(frame.node, Math.min(lowLink.get(frame.node), index.get(target)));
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent !== undefined) lowLink.set(parent.node, Math.min(lowLink.get(parent.node), lowLink.get(frame.node)));
      if (lowLink.get(frame.node) !== index.get(frame.node)) continue;
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      const isCycle = component.length > 1 || (graph.get(frame.node) ?? []).includes(frame.node);
      if (isCycle) cycles.push(component.sort());
    }
  }
  return cycles;
}

/** One concrete loop through a component, for the message: a -> b -> a (breadth-first, so shortest). */
function describeLoop(graph, component) {
  const members = new Set(component);
  const start = component[0];
  const cameFrom = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const target of graph.get(node) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]));
        return [...path, start];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, node);
        queue.push(target);
      }
    }
  }
  // Not reached: every file of a strongly connected component leads back to the first.
  return [...component, start];
}

/**
 * Checks the project of `configPath` (a tsconfig.json). Returns the exit code and the lines to
 * print: on stdout when the code is 0, on stderr otherwise.
 */
export function checkImportCycles(configPath, tolerated = TOLERATED_CYCLES) {
  const root = dirname(configPath);
  const name = (file) => relative(root, file).split(sep).join('/');
  let graph;
  try {
    graph = readImportGraph(configPath);
  } catch (error) {
    return { exitCode: 2, lines: [`Import cycles not checked: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const toleratedByKey = new Map(tolerated.map((files) => [[...files].sort().join('\n'), files]));
  const problems = [];
  const toleratedFound = [];
  for (const component of findCycles(graph)) {
    const key = component.map(name).join('\n');
    if (toleratedByKey.has(key)) {
      toleratedFound.push(key);
      continue;
    }
    const loop = describeLoop(graph, component).map(name).join(' -> ');
    const others = component.length > 2 ? ` (${component.length} files in all: ${component.map(name).join(', ')})` : '';
    problems.push(`Import cycle: ${loop}${others}`);
  }
  const projectFiles = new Set([...graph.keys()].map(name));
  for (const [key, files] of toleratedByKey) {
    // A project without any of its files (another project, or a test's) has nothing to tolerate.
    if (!toleratedFound.includes(key) && files.some((file) => projectFiles.has(file))) {
      problems.push(
        `The tolerated cycle ${files.join(' <-> ')} is gone: delete it from TOLERATED_CYCLES in scripts/check-import-cycles.mjs.`,
      );
    }
  }
  if (problems.length > 0) {
    const summary = `${problems.length} import cycle problem(s) in ${graph.size} files: move what both sides need into a module that imports neither.`;
    return { exitCode: 1, lines: [...problems, summary] };
  }
  const note = toleratedFound.length > 0 ? ` (${toleratedFound.length} known cycle(s) tolerated until removed)` : '';
  return { exitCode: 0, lines: [`No import cycles in ${graph.size} files${note}.`] };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const projectFlag = argv.indexOf('--project');
  const { exitCode, lines } = checkImportCycles(resolve(projectFlag === -1 ? 'tsconfig.json' : (argv[projectFlag + 1] ?? '')));
  for (const line of lines) (exitCode === 0 ? console.log : console.error)(line);
  process.exitCode = exitCode;
}
