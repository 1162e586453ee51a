import { DataverseFault, faults } from "./odata-errors.ts";
import type { Row } from "./entity-store.ts";

// $filter: tokenizer + recursive-descent parser compiled into a predicate over stored rows (reference §3.2).

export type ValueType =
  | "Edm.String"
  | "Edm.Int32"
  | "Edm.Int64"
  | "Edm.Decimal"
  | "Edm.Double"
  | "Edm.Boolean"
  | "Edm.DateTimeOffset"
  | "Edm.Date"
  | "Edm.Guid"
  | "null"
  | "any";

export type ResolvedMember = { get: (row: Row) => unknown; type: ValueType };
export type MemberResolver = (path: string[]) => ResolvedMember;

type Token =
  | { kind: "ident"; text: string; pos: number }
  | { kind: "string"; value: string; pos: number }
  | { kind: "number"; value: number; text: string; pos: number }
  | { kind: "guid"; value: string; pos: number }
  | { kind: "datetime"; value: number; pos: number; dateOnly: boolean }
  | { kind: "punct"; text: string; pos: number };

const guidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;
const dateTimePattern = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?/;
const numberPattern = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?/;
const identPattern = /^[A-Za-z_@$][A-Za-z0-9_.]*/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    const char = text[pos];
    if (char === " " || char === "\t" || char === "\r" || char === "\n") {
      pos += 1;
      continue;
    }
    if (char === "'" || char === '"') {
      const start = pos;
      let value = "";
      pos += 1;
      let closed = false;
      while (pos < text.length) {
        if (text[pos] === char) {
          if (text[pos + 1] === char) {
            value += char;
            pos += 2;
            continue;
          }
          closed = true;
          pos += 1;
          break;
        }
        value += text[pos];
        pos += 1;
      }
      if (!closed) throw faults.querySyntax(`There is an unterminated literal at position ${text.length} in '${text}'.`);
      tokens.push({ kind: "string", value, pos: start });
      continue;
    }
    if ("(),/:[]=".includes(char)) {
      tokens.push({ kind: "punct", text: char, pos });
      pos += 1;
      continue;
    }
    const rest = text.slice(pos, pos + 40);
    const guid = guidPattern.exec(rest);
    if (guid && !/[0-9A-Za-z_]/.test(text[pos + 36] ?? "")) {
      tokens.push({ kind: "guid", value: guid[0].toLowerCase(), pos });
      pos += 36;
      continue;
    }
    const dateTime = /^\d{4}-/.test(rest) ? dateTimePattern.exec(text.slice(pos)) : null;
    if (dateTime) {
      const literal = dateTime[0];
      const dateOnly = !literal.includes("T");
      const withZone = dateOnly ? `${literal}T00:00:00Z` : /Z|[+-]\d{2}:\d{2}$/.test(literal) ? literal : `${literal}Z`;
      const value = Date.parse(withZone);
      if (Number.isNaN(value)) throw faults.querySyntax(`Unrecognized 'Edm.DateTimeOffset' literal '${literal}' at '${pos}' in '${text}'.`);
      tokens.push({ kind: "datetime", value, pos, dateOnly });
      pos += literal.length;
      continue;
    }
    const number = numberPattern.exec(text.slice(pos, pos + 64));
    if (number) {
      tokens.push({ kind: "number", value: Number(number[0].replace(/[mMdDfFlL]$/, "")), text: number[0], pos });
      pos += number[0].length;
      continue;
    }
    const ident = identPattern.exec(text.slice(pos, pos + 256));
    if (ident) {
      tokens.push({ kind: "ident", text: ident[0], pos });
      pos += ident[0].length;
      continue;
    }
    throw faults.querySyntax(`Syntax error: character '${char}' is not valid at position ${pos} in '${text}'.`);
  }
  return tokens;
}

type Node =
  | { kind: "literal"; value: unknown; type: ValueType }
  | { kind: "member"; path: string[]; pos: number }
  | { kind: "compare"; op: string; left: Node; right: Node; pos: number }
  | { kind: "and" | "or"; left: Node; right: Node }
  | { kind: "not"; operand: Node }
  | { kind: "call"; name: string; args: Node[]; pos: number }
  | { kind: "crm"; name: string; params: Record<string, unknown>; pos: number };

const comparisonOps = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);
const opKinds: Record<string, string> = { eq: "Equal", ne: "NotEqual", gt: "GreaterThan", ge: "GreaterThanOrEqual", lt: "LessThan", le: "LessThanOrEqual" };

class Parser {
  private index = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
    private readonly aliases: Map<string, string>,
  ) {}

  parse(): Node {
    if (this.tokens.length === 0) throw faults.querySyntax(`Expression expected at position 0 in '${this.text}'.`);
    const node = this.parseOr();
    const extra = this.peek();
    if (extra) throw faults.querySyntax(`Syntax error at position ${extra.pos} in '${this.text}'.`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private next(): Token | undefined {
    const token = this.tokens[this.index];
    this.index += 1;
    return token;
  }

  private isKeyword(word: string): boolean {
    const token = this.peek();
    return token?.kind === "ident" && token.text === word;
  }

  private expectPunct(text: string): void {
    const token = this.next();
    if (token?.kind !== "punct" || token.text !== text) {
      throw faults.querySyntax(`')' or ',' expected at position ${token?.pos ?? this.text.length} in '${this.text}'.`);
    }
  }

  private parseOr(): Node {
    let left = this.parseAnd();
    while (this.isKeyword("or")) {
      this.next();
      left = { kind: "or", left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Node {
    let left = this.parseUnary();
    while (this.isKeyword("and")) {
      this.next();
      left = { kind: "and", left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Node {
    if (this.isKeyword("not")) {
      this.next();
      return { kind: "not", operand: this.parseUnary() };
    }
    return this.parseComparison();
  }

  private parseComparison(): Node {
    const left = this.parsePrimary();
    const token = this.peek();
    if (token?.kind === "ident" && comparisonOps.has(token.text)) {
      this.next();
      return { kind: "compare", op: token.text, left, right: this.parsePrimary(), pos: token.pos };
    }
    if (token?.kind === "ident" && token.text === "in") {
      throw new DataverseFault(400, "0x8006088a", `The query node In is not supported at position ${token.pos} in '${this.text}'.`);
    }
    return left;
  }

  private parsePrimary(): Node {
    const token = this.next();
    if (!token) throw faults.querySyntax(`Expression expected at position ${this.text.length} in '${this.text}'.`);
    switch (token.kind) {
      case "string":
        return { kind: "literal", value: token.value, type: "Edm.String" };
      case "number":
        return {
          kind: "literal",
          value: token.value,
          type: Number.isInteger(token.value) && !token.text.includes(".") ? (Math.abs(token.value) > 2147483647 ? "Edm.Int64" : "Edm.Int32") : "Edm.Decimal",
        };
      case "guid":
        return { kind: "literal", value: token.value, type: "Edm.Guid" };
      case "datetime":
        return { kind: "literal", value: token.value, type: token.dateOnly ? "Edm.Date" : "Edm.DateTimeOffset" };
      case "punct":
        if (token.text === "(") {
          const inner = this.parseOr();
          this.expectPunct(")");
          return inner;
        }
        throw faults.querySyntax(`Expression expected at position ${token.pos} in '${this.text}'.`);
      case "ident":
        return this.parseIdentifier(token);
    }
  }

  private parseIdentifier(token: Token & { kind: "ident" }): Node {
    const word = token.text;
    if (word === "null") return { kind: "literal", value: null, type: "null" };
    if (word === "true" || word === "false") return { kind: "literal", value: word === "true", type: "Edm.Boolean" };
    if (word.startsWith("@")) {
      const aliasText = this.aliases.get(word);
      if (aliasText === undefined) throw faults.querySyntax(`Parameter alias '${word}' is not defined at position ${token.pos} in '${this.text}'.`);
      return new Parser(tokenize(aliasText), aliasText, new Map()).parse();
    }
    const following = this.peek();
    if (following?.kind === "punct" && following.text === "(") {
      this.next();
      if (word.startsWith("Microsoft.Dynamics.CRM.")) return this.parseCrmFunction(word.slice("Microsoft.Dynamics.CRM.".length), token.pos);
      const args: Node[] = [];
      if (!(this.peek()?.kind === "punct" && (this.peek() as { text: string }).text === ")")) {
        args.push(this.parseOr());
        while (this.peek()?.kind === "punct" && (this.peek() as { text: string }).text === ",") {
          this.next();
          args.push(this.parseOr());
        }
      }
      this.expectPunct(")");
      return { kind: "call", name: word, args, pos: token.pos };
    }
    const path = [word];
    while (this.peek()?.kind === "punct" && (this.peek() as { text: string }).text === "/") {
      this.next();
      const segment = this.next();
      if (segment?.kind !== "ident") throw faults.querySyntax(`Syntax error at position ${segment?.pos ?? this.text.length} in '${this.text}'.`);
      if (segment.text === "any" || segment.text === "all") {
        throw new DataverseFault(400, "0x80060888", `The emulator does not support lambda operator '${segment.text}' (no collection-valued navigation properties are modeled).`);
      }
      path.push(segment.text);
    }
    return { kind: "member", path, pos: token.pos };
  }

  private parseCrmFunction(name: string, pos: number): Node {
    const params: Record<string, unknown> = {};
    while (true) {
      const key = this.next();
      if (key?.kind === "punct" && key.text === ")") break;
      if (key?.kind !== "ident") throw faults.querySyntax(`Syntax error at position ${key?.pos ?? this.text.length} in '${this.text}'.`);
      this.expectPunct("=");
      const valueToken = this.next();
      if (valueToken?.kind === "punct" && valueToken.text === "[") {
        const values: unknown[] = [];
        while (true) {
          const item = this.next();
          if (item?.kind === "punct" && item.text === "]") break;
          if (item?.kind === "punct" && item.text === ",") continue;
          if (!item || item.kind === "punct") throw faults.querySyntax(`Syntax error at position ${item?.pos ?? this.text.length} in '${this.text}'.`);
          values.push("value" in item ? item.value : item.text);
        }
        params[key.text] = values;
      } else if (valueToken && valueToken.kind !== "punct") {
        params[key.text] = "value" in valueToken ? valueToken.value : valueToken.text;
      } else {
        throw faults.querySyntax(`Syntax error at position ${valueToken?.pos ?? this.text.length} in '${this.text}'.`);
      }
      const separator = this.peek();
      if (separator?.kind === "punct" && separator.text === ",") this.next();
    }
    return { kind: "crm", name, params, pos };
  }
}

function normalize(value: unknown): unknown {
  return typeof value === "string" ? value.toLowerCase() : value;
}

function compareValues(left: unknown, right: unknown): number {
  const a = normalize(left);
  const b = normalize(right);
  if (a === b) return 0;
  return (a as number | string) < (b as number | string) ? -1 : 1;
}

const numericTypes = new Set<ValueType>(["Edm.Int32", "Edm.Int64", "Edm.Decimal", "Edm.Double"]);

function compatible(left: ValueType, right: ValueType): boolean {
  if (left === "any" || right === "any" || left === "null" || right === "null" || left === right) return true;
  if (numericTypes.has(left) && numericTypes.has(right)) return true;
  const pair = new Set([left, right]);
  if (pair.has("Edm.Guid") && pair.has("Edm.String")) return true;
  if (pair.has("Edm.DateTimeOffset") && (pair.has("Edm.Date") || pair.has("Edm.String"))) return true;
  return false;
}

// SQL LIKE wildcards inside string values (% _ [] [^]) behave as in Dataverse.
function likePattern(value: string, mode: "contains" | "startswith" | "endswith"): RegExp {
  let source = "";
  for (let index = 0; index < value.length; index += 1) {
    const char = value[index];
    if (char === "%") source += "[\\s\\S]*";
    else if (char === "_") source += "[\\s\\S]";
    else if (char === "[") {
      const end = value.indexOf("]", index + 1);
      if (end === -1) {
        source += "\\[";
        continue;
      }
      let body = value.slice(index + 1, end);
      const negated = body.startsWith("^");
      if (negated) body = body.slice(1);
      source += `[${negated ? "^" : ""}${body.replace(/[\\\]]/g, "\\$&")}]`;
      index = end;
    } else source += char.replace(/[.*+?^${}()|\\/]/g, "\\$&");
  }
  const prefix = mode === "startswith" ? "^" : "";
  const suffix = mode === "endswith" ? "$" : "";
  return new RegExp(`${prefix}${source}${suffix}`, "is");
}

type Compiled = { evaluate: (row: Row) => unknown; type: ValueType };

function compile(node: Node, resolve: MemberResolver, text: string): Compiled {
  switch (node.kind) {
    case "literal":
      return { evaluate: () => node.value, type: node.type };
    case "member": {
      const member = resolve(node.path);
      return { evaluate: member.get, type: member.type };
    }
    case "and": {
      const left = compile(node.left, resolve, text).evaluate;
      const right = compile(node.right, resolve, text).evaluate;
      return { evaluate: (row) => left(row) === true && right(row) === true, type: "Edm.Boolean" };
    }
    case "or": {
      const left = compile(node.left, resolve, text).evaluate;
      const right = compile(node.right, resolve, text).evaluate;
      return { evaluate: (row) => left(row) === true || right(row) === true, type: "Edm.Boolean" };
    }
    case "not": {
      const operand = compile(node.operand, resolve, text).evaluate;
      return { evaluate: (row) => operand(row) !== true, type: "Edm.Boolean" };
    }
    case "compare":
      return compileComparison(node, resolve, text);
    case "call":
      return compileCall(node, resolve, text);
    case "crm":
      return compileCrm(node, resolve, text);
  }
}

function compileComparison(node: Node & { kind: "compare" }, resolve: MemberResolver, text: string): Compiled {
  const left = compile(node.left, resolve, text);
  const right = compile(node.right, resolve, text);
  if (!compatible(left.type, right.type)) {
    throw faults.querySyntax(
      `A binary operator with incompatible types was detected. Found operand types '${left.type}' and '${right.type}' for operator kind '${opKinds[node.op]}'.`,
    );
  }
  // Dates given as strings or Edm.Date literals compare against the stored epoch milliseconds.
  const coerce = (compiled: Compiled, other: ValueType): ((row: Row) => unknown) => {
    if (other === "Edm.DateTimeOffset" && compiled.type === "Edm.String") {
      return (row) => {
        const value = compiled.evaluate(row);
        return typeof value === "string" ? Date.parse(value) : value;
      };
    }
    return compiled.evaluate;
  };
  const getLeft = coerce(left, right.type);
  const getRight = coerce(right, left.type);
  const op = node.op;
  const comparesWithNull = left.type === "null" || right.type === "null";
  return {
    type: "Edm.Boolean",
    evaluate: (row) => {
      const a = getLeft(row);
      const b = getRight(row);
      if (a === null || a === undefined || b === null || b === undefined) {
        // Only a comparison with the null literal tests for null; otherwise SQL semantics apply and a null column
        // matches neither eq nor ne (Dataverse's "does not equal" excludes empty values).
        if (!comparesWithNull) return false;
        const bothNull = (a === null || a === undefined) && (b === null || b === undefined);
        if (op === "eq") return bothNull;
        if (op === "ne") return !bothNull;
        return false;
      }
      const order = compareValues(a, b);
      switch (op) {
        case "eq":
          return order === 0;
        case "ne":
          return order !== 0;
        case "gt":
          return order > 0;
        case "ge":
          return order >= 0;
        case "lt":
          return order < 0;
        default:
          return order <= 0;
      }
    },
  };
}

function compileCall(node: Node & { kind: "call" }, resolve: MemberResolver, text: string): Compiled {
  const name = node.name;
  if (name === "contains" || name === "startswith" || name === "endswith") {
    if (node.args.length !== 2) throw faults.querySyntax(`No function signature for the function with name '${name}' matches the specified arguments.`);
    const target = compile(node.args[0], resolve, text);
    const pattern = node.args[1];
    if (pattern.kind !== "literal" || typeof pattern.value !== "string") {
      throw faults.querySyntax(`No function signature for the function with name '${name}' matches the specified arguments.`);
    }
    if (target.type !== "Edm.String" && target.type !== "any") {
      throw faults.querySyntax(`No function signature for the function with name '${name}' matches the specified arguments. The function signatures considered are: ${name}(Edm.String Nullable=true, Edm.String Nullable=true).`);
    }
    const needle = pattern.value.toLowerCase();
    if (!/[%_[]/.test(needle)) {
      // Without wildcards a plain case-insensitive string test is enough (and much cheaper than a regex per row).
      const test =
        name === "contains" ? (value: string) => value.toLowerCase().includes(needle) : name === "startswith" ? (value: string) => value.toLowerCase().startsWith(needle) : (value: string) => value.toLowerCase().endsWith(needle);
      return {
        type: "Edm.Boolean",
        evaluate: (row) => {
          const value = target.evaluate(row);
          return typeof value === "string" && test(value);
        },
      };
    }
    const regex = likePattern(pattern.value, name);
    return {
      type: "Edm.Boolean",
      evaluate: (row) => {
        const value = target.evaluate(row);
        return typeof value === "string" && regex.test(value);
      },
    };
  }
  if (name === "tolower" || name === "toupper") {
    const target = compile(node.args[0], resolve, text);
    return { type: "Edm.String", evaluate: target.evaluate };
  }
  throw faults.querySyntax(`An unknown function with name '${name}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`);
}

function compileCrm(node: Node & { kind: "crm" }, resolve: MemberResolver, _text: string): Compiled {
  const propertyName = node.params.PropertyName;
  if (typeof propertyName !== "string") throw faults.querySyntax(`The function Microsoft.Dynamics.CRM.${node.name} requires the parameter PropertyName.`);
  const member = resolve([propertyName]);
  switch (node.name) {
    case "In":
    case "NotIn": {
      const values = node.params.PropertyValues;
      if (!Array.isArray(values)) throw faults.querySyntax(`The function Microsoft.Dynamics.CRM.${node.name} requires the parameter PropertyValues.`);
      const set = new Set(values.map((value) => String(normalize(value))));
      const isIn = node.name === "In";
      return {
        type: "Edm.Boolean",
        evaluate: (row) => {
          const value = member.get(row);
          if (value === null || value === undefined) return false;
          return set.has(String(normalize(value))) === isIn;
        },
      };
    }
    case "Null":
      return { type: "Edm.Boolean", evaluate: (row) => member.get(row) === null || member.get(row) === undefined };
    case "NotNull":
      return { type: "Edm.Boolean", evaluate: (row) => member.get(row) !== null && member.get(row) !== undefined };
    default:
      throw faults.querySyntax(`The emulator does not implement the query function Microsoft.Dynamics.CRM.${node.name}.`);
  }
}

export function compileFilter(text: string, resolve: MemberResolver, aliases: Map<string, string> = new Map()): (row: Row) => boolean {
  const ast = new Parser(tokenize(text), text, aliases).parse();
  const compiled = compile(ast, resolve, text);
  if (compiled.type !== "Edm.Boolean" && compiled.type !== "any") {
    throw faults.querySyntax(`The $filter expression must evaluate to a single boolean value.`);
  }
  const evaluate = compiled.evaluate;
  return (row) => evaluate(row) === true;
}

export { compareValues };
