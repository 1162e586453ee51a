// autocannon ships no type declarations; this covers the part of its API the benchmarks use.
declare module "autocannon" {
  namespace autocannon {
    type Options = {
      url: string;
      connections?: number;
      pipelining?: number;
      duration?: number;
      /** Stop after this many requests instead of after `duration`. */
      amount?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
    };
    type Histogram = { average: number; p50: number; p99: number };
    type Result = { requests: Histogram; latency: Histogram; errors: number; timeouts: number; non2xx: number };
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export default autocannon;
}
