// The review page's comparison (web/review.js): the platform's record beside what the inspector found, a
// row per field of the inspection's form version, a mismatch marked; and a value as the form shows it.
import { el } from "/web/dom.js";

// A value as the form shows it: a choice's label, 是/否, a list joined, a point's coordinates.
export function valueText(spec, value) {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "是" : "否";
  const labels = new Map((spec?.choices || []).map((c) => [c.code, c.label]));
  if (Array.isArray(value)) return value.length ? value.map((v) => labels.get(v) ?? String(v)).join("、") : "无";
  if (typeof value === "object" && "lon" in value) return `${Number(value.lon).toFixed(6)}, ${Number(value.lat).toFixed(6)}`;
  return labels.get(value) ?? String(value);
}

/**
 * The comparison's rows, a section at a time: `form` (the inspection's form version), `reg` (the house's
 * registry record), `ans` (the answers), `summary` (the server's, for its record_mismatches).
 */
export function compareRows(form, reg, ans, summary) {
  const regSpec = new Map(form.registry_fields.map((r) => [r.name, r]));
  const top = new Map(form.sections.flatMap((s) => s.fields).map((f) => [f.name, f]));
  const wrong = new Set(summary.record_mismatches || []);
  const regText = (name) => valueText(regSpec.get(name), reg[name]);
  const row = (label, platform, found, bad, name) => el("tr", { className: bad ? "mismatch" : "", dataset: { field: name } },
    el("th", { scope: "row", text: label }), el("td", {}, ...platform), el("td", {}, ...found));
  const lines = (texts) => texts.flatMap((t, k) => (k ? [el("br"), t] : [t]));
  const rows = [];
  for (const section of form.sections) {
    const part = [];
    for (const f of section.fields) {
      const value = ans[f.name];
      if (f.type === "photos") continue;
      if (f.name.endsWith("_accurate")) {
        const base = f.name.slice(0, -"_accurate".length);
        if (value === undefined || value === null) continue;
        const seen = value ? "准确" : `不准确，实为：${valueText(top.get(`${base}_observed`), ans[`${base}_observed`])}`;
        part.push(row(regSpec.get(base)?.label || f.label, [regText(base)], [seen], value === false || wrong.has(base), base));
      } else if (f.name.endsWith("_observed") && top.has(f.name.replace(/_observed$/, "_accurate"))) {
        if (ans[f.name.replace(/_observed$/, "_accurate")] === undefined && value !== undefined) {
          const base = f.name.slice(0, -"_observed".length);
          part.push(row(f.label, [regText(base)], [valueText(f, value)], true, f.name));
        }
      } else if (f.shows) {
        if (value === undefined) continue;
        const platform = lines(f.shows.map((k) => `${regSpec.get(k)?.label || k}：${regText(k)}`));
        const first = reg[f.shows[0]];
        const bad = value === false || (f.type === "select_one" && first != null && first !== value);
        part.push(row(f.label, platform, [valueText(f, value)], bad, f.name));
      } else if (f.type === "repeat") {
        if (!Array.isArray(value) || !value.length) continue;
        const sub = new Map(f.fields.map((g) => [g.name, g]));
        const items = value.map((item, k) => `${k + 1}. ` + Object.entries(item)
          .map(([n, v]) => `${sub.get(n)?.label || n}：${valueText(sub.get(n), v)}`).join("；"));
        part.push(row(f.label, ["—"], lines(items), true, f.name));
      } else if (value !== undefined && value !== null) {
        const bad = (f.name === "paper_rectification" || f.name === "collapse_risk") && value === true;
        part.push(row(f.label, ["—"], [valueText(f, value)], bad, f.name));
      }
    }
    if (part.length) rows.push(el("tr", { className: "section" }, el("th", { colSpan: 3, text: section.label })), ...part);
  }
  return rows;
}
