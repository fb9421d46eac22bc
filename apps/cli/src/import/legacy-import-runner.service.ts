import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { getLogger } from '@ccs/shared';
import { LegacyImportReport, expandHome, importLegacy, openDataStore } from '@ccs/storage';
import { CLI_CONFIG, CliConfig } from '../cli.config';

const log = getLogger('cli.import');

export interface LegacyImportRequest {
  /** Target data directory (already resolved). */
  dataDir: string;
  from?: string;
  fromLogs?: string;
}

export interface LegacyImportResult extends LegacyImportReport {
  to: string;
}

/**
 * Imports the Python original's files into a data directory. It opens the store for writing, which takes the
 * data-directory lock: importing under a running coordinator would race its writes, so that fails with
 * DataDirLockedError naming the holder's pid.
 */
@Injectable()
export class LegacyImportRunner {
  constructor(@Inject(CLI_CONFIG) private readonly config: CliConfig) {}

  async run(req: LegacyImportRequest): Promise<LegacyImportResult> {
    const abs = (p: string | undefined): string | undefined =>
      p === undefined ? undefined : path.resolve(expandHome(p, this.config.home));
    log.info(`Opening ${req.dataDir} for writing (takes the data-directory lock)`);
    const store = await openDataStore({ dataDir: req.dataDir });
    try {
      const report = await importLegacy({
        from: abs(req.from),
        fromLogs: abs(req.fromLogs),
        to: store,
        home: this.config.home,
      });
      await store.flush();
      log.info(`Imported from ${report.from} into ${store.dataDir}`);
      return { ...report, to: store.dataDir };
    } finally {
      await store.close();
    }
  }
}
