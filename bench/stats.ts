// Small statistics helpers for the benchmarks: percentiles per named command, instances/s, peak RSS.
export interface Summary {
  p50: number;
  p95: number;
  n: number;
}

export interface Stats {
  add(command: string, ms: number): void;
  instance(ms: number): void;
  summary(): { perSecond: number; start: Summary; complete: Summary; inbox?: Summary } & Record<string, any>;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarise(values: number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), n: s.length };
}

let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
sampler.unref();
export const peakRss = () => Math.max(peak, process.memoryUsage().rss);

export function createBenchStats(): Stats {
  const by = new Map<string, number[]>();
  const instances: number[] = [];
  return {
    add(command, ms) {
      if (!by.has(command)) by.set(command, []);
      by.get(command)!.push(ms);
    },
    instance(ms) {
      instances.push(ms);
    },
    summary() {
      const total = instances.reduce((a, b) => a + b, 0);
      const out: Record<string, any> = { perSecond: instances.length / (total / 1000) };
      for (const [k, v] of by) out[k] = summarise(v);
      return out as any;
    },
  };
}
