import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import {
  DATA_DIR_ENV,
  DATA_FILES,
  LOCK_FILE,
  LOGS_DIR,
  LockHolder,
  isPidAlive,
  legacyDataDir,
  legacyLogsDir,
  readLockHolder,
  resolveDataDir,
} from '@ccs/storage';
import { getLogger } from '@ccs/shared';
import { CLI_CONFIG, CliConfig } from '../cli.config';

const log = getLogger('cli.data-dir');

export type DataDirSource = '--data-dir' | typeof DATA_DIR_ENV | 'default';

export interface PathStatus {
  path: string;
  exists: boolean;
}

/** The real paths one invocation uses, and what is on disk there. */
export interface DataDirReport {
  dataDir: PathStatus & { source: DataDirSource };
  files: Record<string, PathStatus>;
  logsDir: PathStatus & { logFiles: number };
  lockFile: PathStatus & { holder: (LockHolder & { alive: boolean | null }) | null };
  legacy: { dataDir: PathStatus; logsDir: PathStatus };
}

async function exists(p: string): Promise<boolean> {
  return fsp.access(p).then(
    () => true,
    () => false,
  );
}

/** Where the data directory is (flag, then env, then default) and what it contains. */
@Injectable()
export class DataDirectoryService {
  constructor(@Inject(CLI_CONFIG) private readonly config: CliConfig) {}

  resolve(flag: string | undefined): string {
    const dir = resolveDataDir({ flag, env: { [DATA_DIR_ENV]: this.config.dataDirEnv }, home: this.config.home });
    log.info(`Data directory: ${dir} (from ${this.source(flag)})`);
    return dir;
  }

  source(flag: string | undefined): DataDirSource {
    if (flag !== undefined && flag.trim() !== '') return '--data-dir';
    if (this.config.dataDirEnv !== undefined && this.config.dataDirEnv.trim() !== '') return DATA_DIR_ENV;
    return 'default';
  }

  get home(): string {
    return this.config.home;
  }

  async report(flag: string | undefined): Promise<DataDirReport> {
    const dataDir = this.resolve(flag);
    const status = async (p: string): Promise<PathStatus> => ({ path: p, exists: await exists(p) });
    const files: Record<string, PathStatus> = {};
    for (const name of Object.values(DATA_FILES)) files[name] = await status(path.join(dataDir, name));
    const logsDir = path.join(dataDir, LOGS_DIR);
    const logNames = await fsp.readdir(logsDir).catch(() => [] as string[]);
    const lockPath = path.join(dataDir, LOCK_FILE);
    const holder = await readLockHolder(dataDir).catch(() => null);
    return {
      dataDir: { ...(await status(dataDir)), source: this.source(flag) },
      files,
      logsDir: { ...(await status(logsDir)), logFiles: logNames.filter((n) => /^run_.*\.(log|jsonl)$/.test(n)).length },
      lockFile: {
        ...(await status(lockPath)),
        // Liveness can only be checked for a pid on this machine; the lock records the host.
        holder: holder ? { ...holder, alive: holder.host === this.hostName() ? isPidAlive(holder.pid) : null } : null,
      },
      legacy: {
        dataDir: await status(legacyDataDir(this.config.home)),
        logsDir: await status(legacyLogsDir(this.config.home)),
      },
    };
  }

  private hostName(): string {
    return this.config.hostName;
  }
}
