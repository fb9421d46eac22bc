import { formatTable } from '../output/text-format';
import type { LegacyImportResult } from './legacy-import-runner.service';

/** The import report as text: counts, then every skipped item with its reason, then notes. */
export function renderLegacyImportReport(r: LegacyImportResult): string[] {
  const i = r.imported;
  const out = [
    `Imported from ${r.from}`,
    `  logs from ${r.fromLogs ?? '(no log directory found)'}`,
    `  into ${r.to}`,
    '',
    ...formatTable(
      ['WHAT', 'IMPORTED'],
      [
        ['profiles', String(i.profiles)],
        ['jobs', String(i.jobs)],
        ['tasks', String(i.tasks)],
        ['runs', String(i.runs)],
        ['settings', `${i.settings} keys`],
        ['run logs', `${i.logs} files`],
        ['raw output', `${r.rawOutputFiles} files (from runs' inline raw_output)`],
      ],
    ).map((l) => `  ${l}`),
    '',
  ];
  if (r.skipped.length === 0) out.push('Skipped: nothing');
  else {
    out.push(`Skipped (${r.skipped.length}):`);
    for (const s of r.skipped) {
      const where = [
        s.index !== undefined ? `[${s.index}]` : '',
        s.id ? ` id ${s.id}` : '',
        s.key ? ` key ${s.key}` : '',
      ].join('');
      out.push(`  ${s.file}${where}: ${s.reason}`);
    }
  }
  if (r.notes.length) out.push('', 'Notes:', ...r.notes.map((n) => `  - ${n}`));
  return out;
}
