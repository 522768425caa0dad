// The inspection form's rules in the browser: the same semantics, problem codes and messages as
// geo/inspection_form.py (tests/geo/test_inspection_form_parity.py runs both on the same cases).
// The form is the server's resolved definition (choices included); docs/inspection_form.md describes it.
// A field that is not relevant is ignored and reads as null; empty is null, missing or a blank string;
// a condition holds only when it evaluates to true. No dependencies, no DOM.

const BINARY = ["eq", "ne", "in", "gt", "gte", "lt", "lte"];
const LIST_TYPES = ["select_many", "repeat", "photos"];
const BLANK = /^[ \t\n\r\u3000]+|[ \t\n\r\u3000]+$/g;

const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const isDict = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
const isEmpty = (v) => v === null || v === undefined || (typeof v === "string" && v.replace(BLANK, "") === "");
const get = (o, k) => (isDict(o) && hasOwn(o, k) && o[k] !== undefined ? o[k] : null);
const codePoints = (s) => Array.from(s).length;

function byCodePoint(a, b) {
  const x = Array.from(a), y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d) return d;
  }
  return x.length - y.length;
}

function equal(a, b) {
  if (typeof a === "boolean" || typeof b === "boolean") return a === b;
  if (isNumber(a) || isNumber(b)) return isNumber(a) && isNumber(b) && a === b;
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (a === null || a === undefined || b === null || b === undefined) {
    return (a === null || a === undefined) && (b === null || b === undefined);
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => hasOwn(b, k) && equal(a[k], b[k]));
  }
  return false;
}

function ref(name, ctx) {
  const [head, ...rest] = name.slice(1).split(".");
  let value, path;
  if (head === "registry") [value, path] = [ctx.registry, rest];
  else if (head === "item") [value, path] = [ctx.item, rest];
  else [value, path] = [ctx.answers, [head, ...rest]];
  for (const part of path) value = get(value, part);
  return value === undefined ? null : value;
}

function evalIn(c, ctx) {
  if (Array.isArray(c)) return c.map((x) => evalIn(x, ctx));
  if (typeof c === "string" && c.startsWith("$")) return ref(c, ctx);
  if (!isDict(c)) return c === undefined ? null : c;
  const keys = Object.keys(c);
  if (keys.length !== 1) throw new Error(`not a condition: ${JSON.stringify(c)}`);
  const op = keys[0], args = c[op];
  if (BINARY.includes(op)) {
    const a = evalIn(args[0], ctx), b = evalIn(args[1], ctx);
    if (op === "eq") return equal(a, b);
    if (op === "ne") return !equal(a, b);
    if (op === "in") return Array.isArray(b) && b.some((x) => equal(a, x));
    if (!(isNumber(a) && isNumber(b))) return false;
    return { gt: a > b, gte: a >= b, lt: a < b, lte: a <= b }[op];
  }
  if (op === "and") return args.every((x) => evalIn(x, ctx) === true);
  if (op === "or") return args.some((x) => evalIn(x, ctx) === true);
  if (op === "not") return evalIn(args, ctx) !== true;
  if (op === "empty") return isEmpty(evalIn(args, ctx));
  if (op === "count") {
    const counts = ctx.counts || {};
    if (typeof args === "string" && args.startsWith("$") && hasOwn(counts, args.slice(1))) return counts[args.slice(1)];
    const value = evalIn(args, ctx);
    return Array.isArray(value) ? value.length : 0;
  }
  throw new Error(`unknown operator ${op}`);
}

const holds = (c, ctx) => evalIn(c, ctx) === true;

/** The value of a condition; `counts` override `count` of a field (e.g. photos held outside the answers). */
export function evaluate(condition, answers, registry, counts = null, item = null) {
  return evalIn(condition, { answers: isDict(answers) ? answers : {}, registry: registry || {}, item, counts });
}

const topFields = (form) => form.sections.flatMap((s) => s.fields);

// Answers of relevant fields only, in form order (a relevance reads earlier fields), and the relevant names.
function effective(fields, answers, registry, top = null) {
  const eff = {}, relevant = [];
  for (const f of fields) {
    const ctx = top === null ? { answers: eff, registry } : { answers: top, registry, item: eff };
    if (!hasOwn(f, "relevant") || holds(f.relevant, ctx)) {
      relevant.push(f.name);
      if (hasOwn(answers, f.name)) eff[f.name] = answers[f.name] === undefined ? null : answers[f.name];
    }
  }
  return [eff, relevant];
}

const text = (v) => String(v);
const fmt = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => text(values[k]));

function isDate(v) {
  if (typeof v !== "string" || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(v)) return false;
  const y = Number(v.slice(0, 4)), m = Number(v.slice(5, 7)), d = Number(v.slice(8));
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
}

const TYPE_CHECKS = {
  yes_no: (v) => typeof v === "boolean",
  integer: (v) => isNumber(v) && Number.isInteger(v),
  decimal: isNumber,
  text: (v) => typeof v === "string",
  select_one: (v) => typeof v === "string",
  date: isDate,
  point: (v) => isDict(v) && Object.keys(v).length === 2 && hasOwn(v, "lon") && hasOwn(v, "lat")
    && isNumber(v.lon) && isNumber(v.lat),
  select_many: (v) => Array.isArray(v) && v.every((x) => typeof x === "string"),
  photos: (v) => Array.isArray(v) && v.every((x) => typeof x === "string" && !isEmpty(x)),
  repeat: (v) => Array.isArray(v),
};

const problem = (field, code, message) => ({ field, code, message });

function unknown(values, known, prefix, msgs) {
  return Object.keys(values).sort(byCodePoint).filter((k) => !known.includes(k))
    .map((k) => problem(prefix + k, "unknown_field", fmt(msgs.unknown_field, { key: k })));
}

function check(form, f, value, ctx, path, name, siblings) {
  const msgs = form.messages, t = f.type, out = [];
  const add = (code, key, values = {}) => out.push(problem(path, code, fmt(msgs[key], { name, ...values })));
  const counts = ctx.counts || {};
  const override = (ctx.item === null || ctx.item === undefined) && hasOwn(counts, f.name);
  const empty = isEmpty(value);
  if (empty && !override) {
    if (holds(hasOwn(f, "required") ? f.required : false, ctx)) {
      add("required", "required");
      return out;
    }
  } else if (!empty && !TYPE_CHECKS[t](value)) {
    add("type", "type", { type: form.type_names[t] });
    return out;
  }
  if (!empty) {
    const codes = (f.choices || []).map((c) => c.code);
    if (t === "select_one" && !codes.includes(value)) {
      add("choice", "choice", { value });
    } else if (t === "select_one" && hasOwn(f, "choice_filter")) {
      const scope = ctx.item !== null && ctx.item !== undefined ? ctx.item : ctx.answers;
      const chosen = get(scope, f.choice_filter);
      const allowed = f.choices.filter((c) => equal(get(c, "filter"), chosen)).map((c) => c.code);
      if (!isEmpty(chosen) && !allowed.includes(value)) {
        const other = siblings.find((g) => g.name === f.choice_filter);
        add("choice", "choice_filter", { value, other: fmt(msgs.name, { label: other.label }) });
      }
    }
    if (t === "select_many" || t === "photos") {
      const seen = new Set();
      for (const x of value) {
        if (t === "select_many" && !codes.includes(x)) add("choice", "choice", { value: x });
        else if (seen.has(x)) add("constraint", "duplicate", { value: x });
        seen.add(x);
      }
    }
    if (t === "integer" || t === "decimal" || t === "date") {
      const suffix = t === "date" ? "_date" : "";
      if (hasOwn(f, "min") && value < f.min) add("range", "min" + suffix, { min: f.min });
      else if (hasOwn(f, "max") && value > f.max) add("range", "max" + suffix, { max: f.max });
    }
    if (t === "text" && hasOwn(f, "max_length") && codePoints(value) > f.max_length) {
      add("length", "length", { max: f.max_length, length: codePoints(value) });
    }
    if (t === "point" && hasOwn(f, "bbox")) {
      const [west, south, east, north] = f.bbox;
      if (!(west <= value.lon && value.lon <= east && south <= value.lat && value.lat <= north)) {
        add("range", "bbox", { west, east, south, north });
      }
    }
    if (t === "repeat") out.push(...checkItems(form, f, value, ctx, path));
  }
  if (LIST_TYPES.includes(t)) {
    const n = override ? counts[f.name] : Array.isArray(value) ? value.length : 0;
    const unit = form.count_units[t];
    if (hasOwn(f, "min_count") && n < f.min_count) add("range", "min_count", { min: f.min_count, count: n, unit });
    else if (hasOwn(f, "max_count") && n > f.max_count) add("range", "max_count", { max: f.max_count, count: n, unit });
  }
  const constraint = f.constraint;
  if (out.length === 0 && !empty && constraint && !holds(constraint.condition, ctx)) {
    out.push(problem(path, "constraint", constraint.message));
  }
  return out;
}

function checkItems(form, f, items, ctx, path) {
  const msgs = form.messages, out = [], subs = f.fields;
  items.forEach((item, i) => {
    const where = `${path}[${i}]`;
    if (!isDict(item)) {
      const name = fmt(msgs.item, { repeat: f.label, n: i + 1 });
      out.push(problem(where, "type", fmt(msgs.type, { name, type: form.type_names.item })));
      return;
    }
    out.push(...unknown(item, subs.map((g) => g.name), where + ".", msgs));
    const [eff, relevant] = effective(subs, item, ctx.registry, ctx.answers);
    const ictx = { answers: ctx.answers, registry: ctx.registry, item: eff };
    for (const g of subs) {
      if (!relevant.includes(g.name)) continue;
      const name = fmt(msgs.item_name, { repeat: f.label, n: i + 1, label: g.label });
      out.push(...check(form, g, get(item, g.name), ictx, `${where}.${g.name}`, name, subs));
    }
  });
  return out;
}

/** Every problem of `answers`, as geo.inspection_form.validate: [{field, code, message}] in form order. */
export function validate(form, answers, registry, photoCount = null) {
  const msgs = form.messages;
  if (!isDict(answers)) return [problem("", "type", msgs.answers)];
  registry = isDict(registry) ? registry : {};
  const top = topFields(form);
  const problems = unknown(answers, top.map((f) => f.name), "", msgs);
  const [eff, relevant] = effective(top, answers, registry);
  const counts = {};
  if (photoCount !== null && photoCount !== undefined) {
    for (const f of top) if (f.type === "photos") counts[f.name] = photoCount;
  }
  const ctx = { answers: eff, registry, item: null, counts };
  for (const f of top) {
    if (!relevant.includes(f.name)) continue;
    const name = fmt(msgs.name, { label: f.label });
    problems.push(...check(form, f, get(answers, f.name), ctx, f.name, name, top));
  }
  for (const rule of form.rules || []) {
    const touched = problems.some((p) => rule.fields.some((n) => p.field === n || p.field.startsWith(n + "[")));
    if (!touched && holds(rule.when, ctx) && !holds(rule.require, ctx)) {
      problems.push(problem(rule.fields[0], "rule", rule.message));
    }
  }
  return problems;
}

/** Whether `field` (a name, or `repeat[i].name`) is asked given the answers so far. */
export function isRelevant(form, field, answers, registry) {
  answers = isDict(answers) ? answers : {};
  registry = isDict(registry) ? registry : {};
  const m = typeof field === "string" ? /^([a-z0-9_]+)(?:\[([0-9]+)\]\.([a-z0-9_]+))?$/.exec(field) : null;
  const top = topFields(form);
  const f = m ? top.find((g) => g.name === m[1]) : undefined;
  if (!f) return false;
  const [eff, relevant] = effective(top, answers, registry);
  if (!relevant.includes(f.name) || m[2] === undefined) return relevant.includes(f.name);
  const subs = f.fields || [];
  if (!subs.some((g) => g.name === m[3])) return false;
  const items = get(eff, f.name), i = Number(m[2]);
  const item = Array.isArray(items) && i < items.length && isDict(items[i]) ? items[i] : {};
  return effective(subs, item, registry, eff)[1].includes(m[3]);
}
