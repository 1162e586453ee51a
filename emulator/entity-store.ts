import { entityDefs, type EntityDef } from "./entity-schema.ts";

// A stored row is keyed by Web API property names ("name", "_ownerid_value", ...); dates are epoch milliseconds.
export type Row = Record<string, unknown>;

export type Tombstone = { id: string; version: number; deletedAt: number };

export type ChangeEvent = {
  message: "create" | "update" | "delete";
  entity: string;
  id: string;
  userId: string;
  at: number;
};

type JournalEntry = { table: TableData; id: string; previousRow: Row | undefined; previousTombstone: Tombstone | undefined };

export class TableData {
  readonly def: EntityDef;
  readonly rows = new Map<string, Row>();
  readonly tombstones = new Map<string, Tombstone>();
  // alternate key name -> normalized key value -> row id
  readonly keyIndexes = new Map<string, Map<string, string>>();
  private sortedIds: string[] | null = null;

  constructor(def: EntityDef) {
    this.def = def;
    for (const key of def.alternateKeys) this.keyIndexes.set(key.name, new Map());
  }

  // Dataverse orders by primary key when no $orderby is given; the sorted id list is cached until a row is added or removed.
  idsInKeyOrder(): string[] {
    if (!this.sortedIds) this.sortedIds = [...this.rows.keys()].sort();
    return this.sortedIds;
  }

  invalidateOrder(): void {
    this.sortedIds = null;
  }
}

export function keyValueOf(row: Row, attributes: string[]): string | null {
  const parts: string[] = [];
  for (const attribute of attributes) {
    const value = row[attribute];
    if (value === null || value === undefined) return null;
    parts.push(String(value).toLowerCase());
  }
  return parts.join("\u0000");
}

export class EntityStore {
  readonly tables = new Map<string, TableData>();
  version = 1_000_000;
  private journal: JournalEntry[] | null = null;
  private pendingEvents: ChangeEvent[] = [];
  onEvents: (events: ChangeEvent[]) => void = () => {};

  constructor() {
    for (const def of entityDefs) this.tables.set(def.logicalName, new TableData(def));
  }

  table(logicalName: string): TableData {
    const table = this.tables.get(logicalName);
    if (!table) throw new Error(`unknown table ${logicalName}`);
    return table;
  }

  nextVersion(): number {
    this.version += 1;
    return this.version;
  }

  get isInTransaction(): boolean {
    return this.journal !== null;
  }

  begin(): void {
    this.journal = [];
    this.pendingEvents = [];
  }

  commit(): void {
    this.journal = null;
    const events = this.pendingEvents;
    this.pendingEvents = [];
    if (events.length > 0) this.onEvents(events);
  }

  rollback(): void {
    const journal = this.journal ?? [];
    this.journal = null;
    this.pendingEvents = [];
    for (let index = journal.length - 1; index >= 0; index -= 1) {
      const entry = journal[index];
      const current = entry.table.rows.get(entry.id);
      if (current) this.unindex(entry.table, current);
      if (entry.previousRow) {
        entry.table.rows.set(entry.id, entry.previousRow);
        this.index(entry.table, entry.previousRow);
      } else {
        entry.table.rows.delete(entry.id);
      }
      if (entry.previousTombstone) entry.table.tombstones.set(entry.id, entry.previousTombstone);
      else entry.table.tombstones.delete(entry.id);
      entry.table.invalidateOrder();
    }
  }

  findByKey(table: TableData, keyName: string, row: Row): Row | undefined {
    const key = table.def.alternateKeys.find((candidate) => candidate.name === keyName);
    if (!key) return undefined;
    const value = keyValueOf(row, key.attributes);
    if (value === null) return undefined;
    const id = table.keyIndexes.get(keyName)?.get(value);
    return id ? table.rows.get(id) : undefined;
  }

  // Returns the first alternate key that another row already holds, or undefined.
  conflictingKey(table: TableData, row: Row, id: string): { name: string; attributes: string[] } | undefined {
    for (const key of table.def.alternateKeys) {
      const value = keyValueOf(row, key.attributes);
      if (value === null) continue;
      const holder = table.keyIndexes.get(key.name)?.get(value);
      if (holder && holder !== id) return key;
    }
    return undefined;
  }

  put(table: TableData, row: Row, message: "create" | "update", userId: string): void {
    const id = row[table.def.primaryIdAttribute] as string;
    const previous = table.rows.get(id);
    this.journal?.push({ table, id, previousRow: previous, previousTombstone: table.tombstones.get(id) });
    if (previous) this.unindex(table, previous);
    else table.invalidateOrder();
    table.rows.set(id, row);
    table.tombstones.delete(id);
    this.index(table, row);
    this.emit({ message, entity: table.def.logicalName, id, userId, at: Date.now() });
  }

  remove(table: TableData, id: string, userId: string): void {
    const previous = table.rows.get(id);
    if (!previous) return;
    this.journal?.push({ table, id, previousRow: previous, previousTombstone: table.tombstones.get(id) });
    this.unindex(table, previous);
    table.rows.delete(id);
    table.invalidateOrder();
    table.tombstones.set(id, { id, version: this.nextVersion(), deletedAt: Date.now() });
    this.emit({ message: "delete", entity: table.def.logicalName, id, userId, at: Date.now() });
  }

  purgeTombstones(olderThan: number): void {
    for (const table of this.tables.values()) {
      for (const [id, tombstone] of table.tombstones) if (tombstone.deletedAt < olderThan) table.tombstones.delete(id);
    }
  }

  clear(): void {
    for (const table of this.tables.values()) {
      table.rows.clear();
      table.tombstones.clear();
      for (const index of table.keyIndexes.values()) index.clear();
      table.invalidateOrder();
    }
  }

  toSnapshot(): StoreSnapshot {
    const tables: StoreSnapshot["tables"] = {};
    for (const [name, table] of this.tables) {
      tables[name] = { rows: [...table.rows.values()], tombstones: [...table.tombstones.values()] };
    }
    return { version: this.version, tables };
  }

  loadSnapshot(snapshot: StoreSnapshot): void {
    this.clear();
    this.version = snapshot.version;
    for (const [name, data] of Object.entries(snapshot.tables)) {
      const table = this.tables.get(name);
      if (!table) continue;
      for (const row of data.rows) {
        table.rows.set(row[table.def.primaryIdAttribute] as string, row);
        this.index(table, row);
      }
      for (const tombstone of data.tombstones) table.tombstones.set(tombstone.id, tombstone);
    }
  }

  private emit(event: ChangeEvent): void {
    if (this.journal) {
      this.pendingEvents.push(event);
      return;
    }
    this.onEvents([event]);
  }

  private index(table: TableData, row: Row): void {
    for (const key of table.def.alternateKeys) {
      const value = keyValueOf(row, key.attributes);
      if (value !== null) table.keyIndexes.get(key.name)?.set(value, row[table.def.primaryIdAttribute] as string);
    }
  }

  private unindex(table: TableData, row: Row): void {
    for (const key of table.def.alternateKeys) {
      const value = keyValueOf(row, key.attributes);
      if (value === null) continue;
      const index = table.keyIndexes.get(key.name);
      if (index && index.get(value) === row[table.def.primaryIdAttribute]) index.delete(value);
    }
  }
}

export type StoreSnapshot = {
  version: number;
  tables: Record<string, { rows: Row[]; tombstones: Tombstone[] }>;
};
