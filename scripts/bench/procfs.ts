/**
 * Linux /proc readings: the pid listening on a TCP port, its resident memory (sampled every
 * 50 ms, plus the kernel's high-water mark), and CPU time per process tree during a phase.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';

const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

const numericDirs = () => readdirSync('/proc').filter((name) => /^\d+$/.test(name));

/** The pid owning the listening socket on `port` (IPv4 or IPv6), via socket inodes in /proc/<pid>/fd. */
export const findListenerPid = (port: number): number | null => {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (read(table) ?? '').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDR:PORT, st 0A is LISTEN, inode is the 10th field.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A' && fields[9]) inodes.add(`socket:[${fields[9]}]`);
    }
  }
  if (inodes.size === 0) return null;
  for (const pid of numericDirs()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return Number(pid);
      } catch {
        // fd closed meanwhile
      }
    }
  }

  return null;
};

const statusField = (pid: number, field: 'VmRSS' | 'VmHWM') => {
  const match = read(`/proc/${pid}/status`)?.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));

  return match ? Number(match[1]) * 1024 : null;
};

export const rssOf = (pid: number) => statusField(pid, 'VmRSS');
export const peakRssOf = (pid: number) => statusField(pid, 'VmHWM');

/** Resets the kernel's peak-RSS counter (VmHWM) to the current RSS; false where not permitted. */
export const resetPeakRss = (pid: number) => {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');

    return true;
  } catch {
    return false;
  }
};

export type RssSampler = { stop: () => { peak: number; min: number; median: number; samples: number } };

/** Samples VmRSS every `intervalMs` until stopped (at most `maxSamples`). */
export const sampleRss = (pid: number, intervalMs = 50, maxSamples = 200_000): RssSampler => {
  const samples: number[] = [];
  const take = () => {
    const rss = rssOf(pid);
    if (rss !== null && samples.length < maxSamples) samples.push(rss);
  };
  take();
  const timer = setInterval(take, intervalMs);

  return {
    stop: () => {
      clearInterval(timer);
      take();
      const sorted = [...samples].sort((a, b) => a - b);

      return {
        peak: sorted[sorted.length - 1] ?? NaN,
        min: sorted[0] ?? NaN,
        median: sorted[Math.floor(sorted.length / 2)] ?? NaN,
        samples: samples.length,
      };
    },
  };
};

let clockTicks: number | undefined;
const ticksPerSecond = () => {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }

  return clockTicks;
};

type Snapshot = { procs: Map<number, { ppid: number; ticks: number }>; machineBusy: number; machineTotal: number };

const snapshot = (): Snapshot => {
  const procs = new Map<number, { ppid: number; ticks: number }>();
  for (const pid of numericDirs()) {
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    procs.set(Number(pid), { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) });
  }
  const cpu = (read('/proc/stat') ?? '').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  const total = cpu.slice(0, 8).reduce((sum, value) => sum + value, 0);

  return { procs, machineBusy: total - idle, machineTotal: total };
};

/** The name of the nearest ancestor (or self) among `roots`, so nested trees are not counted twice. */
const ownerOf = (procs: Snapshot['procs'], pid: number, roots: Map<number, string>) => {
  for (let current = pid, depth = 0; current > 1 && depth < 64; depth++) {
    const name = roots.get(current);
    if (name) return name;
    current = procs.get(current)?.ppid ?? 0;
  }

  return null;
};

export type CpuUse = Record<string, number> & { machine: number; other: number; wall: number };

/** Sums two CPU readings key by key. */
export const addCpu = (total: CpuUse | undefined, part: CpuUse | undefined): CpuUse | undefined => {
  if (!total || !part) return total ?? part;
  const sum: Record<string, number> = { ...total };
  for (const [key, value] of Object.entries(part)) sum[key] = (sum[key] ?? 0) + value;

  return sum as CpuUse;
};

/**
 * CPU seconds used by each named process tree between begin() and end(), the whole machine's
 * busy CPU seconds, and `other` (the machine minus the named trees: other people's processes).
 */
export const cpuMeter = (roots: Record<string, number | undefined>) => {
  let before: Snapshot | undefined;
  let started = 0;
  let result: CpuUse | undefined;

  return {
    begin: () => {
      before = snapshot();
      started = performance.now();
    },
    end: () => {
      const after = snapshot();
      const hz = ticksPerSecond();
      const rootPids = new Map<number, string>();
      for (const [name, pid] of Object.entries(roots)) if (pid) rootPids.set(pid, name);
      const use: Record<string, number> = Object.fromEntries(Object.keys(roots).map((name) => [name, 0]));
      let named = 0;
      for (const [pid, proc] of after.procs) {
        const owner = ownerOf(after.procs, pid, rootPids);
        if (!owner) continue;
        const seconds = (proc.ticks - (before!.procs.get(pid)?.ticks ?? 0)) / hz;
        use[owner]! += seconds;
        named += seconds;
      }
      const machine = (after.machineBusy - before!.machineBusy) / hz;
      result = { ...use, machine, other: Math.max(0, machine - named), wall: (performance.now() - started) / 1000 };
    },
    result: () => result,
  };
};
