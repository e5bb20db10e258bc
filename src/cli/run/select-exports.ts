import type { ExportConfig, ExportEntry } from '../../config/export-config.js';
import { closestName } from '../../config/did-you-mean.js';
import { UsageError } from '../../errors.js';

/** The saved exports `run` names (or all of them with --all); an unknown name is refused with the closest known one. */
export function selectExports(config: ExportConfig, names: readonly string[], isAll: boolean): ExportEntry[] {
  const known = [...config.exports.keys()];
  const knownText = known.length === 0 ? 'the file has none' : `known: ${known.join(', ')}`;
  if (isAll && names.length > 0) throw new UsageError('Name exports or pass --all, not both.');
  if (isAll) {
    if (known.length === 0) throw new UsageError(`${config.path} has no export to run.`);
    return [...config.exports.values()];
  }
  if (names.length === 0) throw new UsageError(`Name the exports to run, or pass --all (${knownText}).`);
  const unknown = names.filter((name) => !config.exports.has(name));
  if (unknown.length > 0) {
    const hints = unknown.map((name) => {
      const suggestion = closestName(name, known);
      return `"${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
    });
    throw new UsageError(`No export named ${hints.join(', ')} in ${config.path}; ${knownText}.`);
  }
  return [...new Set(names)].map((name) => config.exports.get(name)!);
}
