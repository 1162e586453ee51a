import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { envSchema } from "../../../lib/env.ts";

// No Docker engine runs here, so the scaled setup is checked by reading it: the services, their health checks,
// the order they start in, and that every variable they pass is one the console knows.
type Service = {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
};

const compose = parse(fs.readFileSync(path.resolve("docker-compose.yml"), "utf8"), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

describe("docker-compose.yml", () => {
  it("has postgres, redis, migrate, web and two workers", () => {
    expect(Object.keys(services).sort()).toEqual(["migrate", "postgres", "redis", "web", "worker"]);
    expect(services.worker.deploy?.replicas).toBe(2);
    expect(services.worker.command).toEqual(["npx", "tsx", "scripts/worker.ts"]);
    expect(services.migrate.command).toEqual(["npm", "run", "db:deploy"]);
  });

  it("gives every long-running service a health check", () => {
    for (const name of ["postgres", "redis", "web", "worker"]) expect(services[name].healthcheck?.test.length, name).toBeGreaterThan(0);
    expect(services.web.healthcheck?.test.join(" ")).toContain("/api/health");
  });

  it("starts the app only after the database is migrated and redis is healthy", () => {
    for (const name of ["web", "worker"]) {
      expect(services[name].depends_on?.migrate?.condition).toBe("service_completed_successfully");
      expect(services[name].depends_on?.redis?.condition).toBe("service_healthy");
    }
    expect(services.migrate.depends_on?.postgres?.condition).toBe("service_healthy");
  });

  it("wires the database and Redis into the app and passes only variables the console reads", () => {
    const known = new Set(Object.keys(envSchema.shape));
    for (const name of ["migrate", "web", "worker"]) {
      const environment = services[name].environment ?? {};
      expect(environment.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(environment.REDIS_URL).toBe("redis://redis:6379");
      for (const key of Object.keys(environment)) expect(known.has(key), `${name}: ${key}`).toBe(true);
    }
  });
});
