import * as fs from 'node:fs';

/**
 * Sends `signal` to every process of the group `pgid` (`kill(-pgid, sig)`). Returns false when the group no
 * longer exists. Never throws for ESRCH: the group ending on its own is a normal race.
 */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/**
 * Whether a process group still has a live (non-zombie) member.
 *
 * On Linux this scans /proc, because `kill(-pgid, 0)` also succeeds for zombies: in a container whose PID 1 does
 * not reap orphans (plain `docker run`, some VMs — including this project's CI machine), killed grandchildren stay
 * zombies forever and a kill-0 probe would wait out the whole grace period every time. Elsewhere (macOS) launchd
 * reaps orphans, so kill-0 is accurate.
 */
export function isProcessGroupAlive(pgid: number, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'linux') {
    const members = liveGroupMembersFromProc(pgid);
    if (members !== null) return members.length > 0;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a single process is alive (not exited, not a zombie). */
export function isProcessAlive(pid: number, platform: NodeJS.Platform = process.platform): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (platform !== 'linux') return true;
  const stat = readProcStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

interface ProcStat {
  state: string;
  pgrp: number;
}

/** Parses `/proc/<pid>/stat`; the command name may contain spaces and parens, so parse after the last `)`. */
function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] = state, [1] = ppid, [2] = pgrp
  return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
}

/** Pids of live members of the group, or null when /proc cannot be read. */
function liveGroupMembersFromProc(pgid: number): number[] | null {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return null;
  }
  const members: number[] = [];
  for (const entry of entries) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const pid = Number(entry);
    const stat = readProcStat(pid);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') members.push(pid);
  }
  return members;
}
