import {
  createPostgresBackend,
  Queue,
  Worker,
  withBackend,
  type IQueueBackend,
  type JobProgress,
  type Processor,
  type QueueOptions,
  type WorkerOptions,
} from "bullmq";
import { Redis } from "ioredis";
import { getEnv, requireDatabaseUrl } from "../env.ts";
import { createLogger, type Logger } from "../log/logger.ts";
import { queueConfig, type QueueName } from "./queue-config.ts";

// Backend selection as a function of explicit configuration, so one process (a test) can hold a Redis-backed and a
// PostgreSQL-backed connection side by side. Nothing here uses BullMQ's process-wide default backend.

export type QueueBackendKind = "postgres" | "redis";

export type QueueConnectionConfig = {
  /** Set: BullMQ on Redis. Unset: BullMQ's PostgreSQL backend on `databaseUrl`. */
  redisUrl?: string;
  databaseUrl?: string;
  /**
   * Isolates queues: the Redis key prefix, or the PostgreSQL schema holding BullMQ's tables.
   * Defaults to BullMQ's own ("bull" on Redis, "bullmq" on PostgreSQL).
   */
  namespace?: string;
  logger?: Logger;
};

// The backend type parameters differ per backend; the app only uses the backend-neutral surface.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyQueue = Queue<any, any, string, any, any, string, IQueueBackend, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorker = Worker<any, any, string, IQueueBackend, JobProgress, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProcessor = Processor<any, any, string>;

export type CreateWorkerOptions = {
  concurrency?: number;
  /** false: call `worker.run()` yourself. */
  autorun?: boolean;
  /** How long a job's lock lasts before it counts as stalled (BullMQ default 30 s); stalled jobs are looked for as often. */
  lockDurationMs?: number;
};

export type QueueConnection = {
  readonly backend: QueueBackendKind;
  readonly namespace: string;
  /** The producer handle of a queue (one per name, reused). */
  queue(name: QueueName): AnyQueue;
  createWorker(name: QueueName, processor: AnyProcessor, options?: CreateWorkerOptions): AnyWorker;
  /** Whether the backend answers within `timeoutMs`. Never throws. */
  ping(timeoutMs?: number): Promise<boolean>;
  /** Closes every queue and worker made through this connection, then the connections themselves. */
  close(): Promise<void>;
};

const DEFAULT_REDIS_PREFIX = "bull";
const DEFAULT_PG_SCHEMA = "bullmq";
// Each Queue/Worker owns a small pool (plus, for a worker, one LISTEN connection); keep them small so web + several
// workers stay well inside PostgreSQL's default max_connections of 100.
const PG_PRODUCER_POOL_MAX = 2;
const PG_WORKER_POOL_MAX = 2;
const CONNECT_TIMEOUT_MS = 5_000;

const { Queue: PgQueue, Worker: PgWorker } = withBackend(createPostgresBackend);

function queueOptionsFor(name: QueueName) {
  const settings = queueConfig[name];
  return {
    defaultJobOptions: {
      attempts: settings.attempts,
      backoff: { type: settings.backoff.type, delay: settings.backoff.delayMs },
      removeOnComplete: { age: settings.removeOnComplete.ageSeconds, count: settings.removeOnComplete.count },
      removeOnFail: { age: settings.removeOnFail.ageSeconds, count: settings.removeOnFail.count },
    },
  } satisfies Partial<QueueOptions>;
}

function workerOptionsFor(name: QueueName, options: CreateWorkerOptions) {
  return {
    concurrency: options.concurrency ?? queueConfig[name].concurrency,
    autorun: options.autorun ?? true,
    ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs } : {}),
  } satisfies Partial<WorkerOptions>;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export function createQueueConnection(config: QueueConnectionConfig): QueueConnection {
  const log = config.logger ?? createLogger("queue");
  if (config.redisUrl) return createRedisConnection(config.redisUrl, config.namespace ?? DEFAULT_REDIS_PREFIX, log);
  if (!config.databaseUrl) {
    throw new Error("The queue needs REDIS_URL or DATABASE_URL: neither is set.");
  }
  return createPostgresConnection(config.databaseUrl, config.namespace ?? DEFAULT_PG_SCHEMA, log);
}

type Parts = {
  backend: QueueBackendKind;
  namespace: string;
  log: Logger;
  makeQueue(name: QueueName): AnyQueue;
  makeWorker(name: QueueName, processor: AnyProcessor, options: CreateWorkerOptions): AnyWorker;
  pingBackend(): Promise<unknown>;
  closeBackend(): Promise<void>;
};

function assemble(parts: Parts): QueueConnection {
  const queues = new Map<QueueName, AnyQueue>();
  const workers = new Set<AnyWorker>();
  let closing: Promise<void> | undefined;

  const queue = (name: QueueName) => {
    if (closing) throw new Error("The queue connection is closed.");
    let q = queues.get(name);
    if (!q) {
      q = parts.makeQueue(name);
      // An EventEmitter without an 'error' listener throws; a dropped connection must be logged, not fatal.
      q.on("error", (err: Error) => parts.log.warn({ err, queue: name }, "queue connection error"));
      queues.set(name, q);
    }
    return q;
  };

  return {
    backend: parts.backend,
    namespace: parts.namespace,
    queue,
    createWorker(name, processor, options = {}) {
      if (closing) throw new Error("The queue connection is closed.");
      const worker = parts.makeWorker(name, processor, options);
      worker.on("error", (err: Error) => parts.log.warn({ err, queue: name }, "worker connection error"));
      workers.add(worker);
      worker.on("closed", () => workers.delete(worker));
      return worker;
    },
    async ping(timeoutMs = 3_000) {
      if (closing) return false;
      try {
        await withTimeout(parts.pingBackend(), timeoutMs);
        return true;
      } catch (err) {
        parts.log.warn({ err, backend: parts.backend }, "queue backend did not answer");
        return false;
      }
    },
    close() {
      closing ??= (async () => {
        await Promise.allSettled([...workers].map((w) => w.close()));
        await Promise.allSettled([...queues.values()].map((q) => q.close()));
        await parts.closeBackend();
      })();
      return closing;
    },
  };
}

function createRedisConnection(url: string, prefix: string, log: Logger): QueueConnection {
  // Producers fail fast when Redis is down (a web request must not hang); workers must wait forever
  // (maxRetriesPerRequest: null), which BullMQ requires for its blocking commands.
  let producerClient: Redis | undefined;
  let workerClient: Redis | undefined;
  const makeClient = (maxRetriesPerRequest: number | null) => {
    const client = new Redis(url, { maxRetriesPerRequest, connectTimeout: CONNECT_TIMEOUT_MS });
    client.on("error", (err: Error) => log.warn({ err }, "redis connection error"));
    return client;
  };
  const producer = () => (producerClient ??= makeClient(3));
  const workerConnection = () => (workerClient ??= makeClient(null));

  return assemble({
    backend: "redis",
    namespace: prefix,
    log,
    makeQueue: (name) => new Queue(name, { connection: producer(), prefix, ...queueOptionsFor(name) }) as AnyQueue,
    makeWorker: (name, processor, options) =>
      new Worker(name, processor, {
        connection: workerConnection(),
        prefix,
        ...workerOptionsFor(name, options),
      }) as AnyWorker,
    pingBackend: () => producer().ping(),
    closeBackend: async () => {
      await Promise.allSettled([producerClient?.quit(), workerClient?.quit()]);
    },
  });
}

function createPostgresConnection(databaseUrl: string, schema: string, log: Logger): QueueConnection {
  const pgConfig = (max: number) => ({
    connectionString: databaseUrl,
    schema,
    // BullMQ creates and upgrades its own schema (under an advisory lock), beside Prisma's tables.
    migrate: true,
    max,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  let pingQueue: AnyQueue | undefined;
  return assemble({
    backend: "postgres",
    namespace: schema,
    log,
    makeQueue: (name) =>
      new PgQueue(name, { connection: pgConfig(PG_PRODUCER_POOL_MAX), ...queueOptionsFor(name) }) as AnyQueue,
    makeWorker: (name, processor, options) =>
      new PgWorker(name, processor, {
        connection: pgConfig(PG_WORKER_POOL_MAX),
        ...workerOptionsFor(name, options),
      }) as AnyWorker,
    pingBackend: async () => {
      // A dedicated one-connection handle, so a health check never waits behind busy producer pools.
      if (!pingQueue) {
        pingQueue = new PgQueue("maintenance", { connection: pgConfig(1) }) as AnyQueue;
        pingQueue.on("error", (err: Error) => log.warn({ err }, "queue health-check connection error"));
      }
      return pingQueue.getJobCounts("waiting");
    },
    closeBackend: async () => {
      await pingQueue?.close();
    },
  });
}

// One connection per process for the app and the worker, chosen by the environment.
const globalForQueue = globalThis as unknown as { couplingConsoleQueue?: QueueConnection };

export function getQueueConnection(): QueueConnection {
  if (globalForQueue.couplingConsoleQueue) return globalForQueue.couplingConsoleQueue;
  const env = getEnv();
  globalForQueue.couplingConsoleQueue = createQueueConnection(
    env.REDIS_URL ? { redisUrl: env.REDIS_URL } : { databaseUrl: requireDatabaseUrl() },
  );
  return globalForQueue.couplingConsoleQueue;
}

export function configuredQueueBackend(): QueueBackendKind {
  return getEnv().REDIS_URL ? "redis" : "postgres";
}
