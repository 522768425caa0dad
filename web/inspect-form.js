// The inspection form drawn from its definition in data (GET /api/v1/inspections/form): one card per
// section, one block per field, with the platform's value beside each question that checks it (`shows`).
// The rules are web/inspection-rules.js's, never restated here: a field that is not relevant is hidden
// (isRelevant), problems are its Chinese messages (validate). Every value from the service is set as text
// (textContent, value), never parsed as HTML. The answers object is the page's; this file reads the
// controls into it and writes it back into them.
import { el } from "/web/dom.js";
import { isRelevant } from "/web/inspection-rules.js";

const RADIO_MAX = 6; // more choices than this: a drop-down list
const isDict = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** The platform's value of a registry field as Chinese text (as geo.inspection_form.prefill words it). */
export function registryText(spec, value) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return "未填报";
  if (typeof value === "boolean") return value ? "是" : "否";
  const labels = new Map((spec?.choices || []).map((c) => [c.code, c.label]));
  return (Array.isArray(value) ? value : [value]).map((v) => labels.get(String(v)) ?? String(v)).join("、");
}

/** The answers of relevant fields only (in repeat items likewise): what is sent, as geo.inspection_form.clean. */
export function clean(form, answers, registry) {
  const out = {};
  for (const f of form.sections.flatMap((s) => s.fields)) {
    if (!(f.name in answers) || !isRelevant(form, f.name, answers, registry)) continue;
    const value = answers[f.name];
    out[f.name] = f.type === "repeat" && Array.isArray(value)
      ? value.map((item, i) => (isDict(item) ? Object.fromEntries(Object.entries(item).filter(([k]) =>
        isRelevant(form, `${f.name}[${i}].${k}`, answers, registry))) : item))
      : value;
  }
  return out;
}

function choiceInputs(kind, path, choices) {
  return el("div", { className: `choices ${kind}` }, ...choices.map((c) =>
    el("label", { className: "choice" }, el("input", { type: kind, name: path, value: c.code }), el("span", { text: c.label }))));
}

function control(f, path) {
  const yesNo = [{ code: "true", label: "是" }, { code: "false", label: "否" }];
  switch (f.type) {
    case "yes_no": return choiceInputs("radio", path, yesNo);
    case "select_one":
      if (f.choices.length <= RADIO_MAX && !f.choice_filter) return choiceInputs("radio", path, f.choices);
      return el("select", { name: path }, new Option("请选择", ""), ...f.choices.map((c) => new Option(c.label, c.code)));
    case "select_many": return choiceInputs("checkbox", path, f.choices);
    case "integer":
    case "decimal":
      return el("input", { type: "number", name: path, inputMode: f.type === "integer" ? "numeric" : "decimal",
        step: f.type === "integer" ? "1" : "any", min: f.min ?? null, max: f.max ?? null });
    case "date": return el("input", { type: "date", name: path, min: f.min ?? null, max: f.max ?? null });
    case "text":
      return (f.max_length || 0) > 200 || /note|remarks/.test(f.name)
        ? el("textarea", { name: path, rows: 3 }) : el("input", { type: "text", name: path });
    default: return null;
  }
}

function read(f, box) {
  const inputs = [...box.querySelectorAll(":scope > .control input, :scope > .control select, :scope > .control textarea")];
  if (f.type === "select_many") return inputs.filter((i) => i.checked).map((i) => i.value);
  if (f.type === "yes_no" || (f.type === "select_one" && inputs[0]?.type === "radio")) {
    const on = inputs.find((i) => i.checked);
    return on ? (f.type === "yes_no" ? on.value === "true" : on.value) : undefined;
  }
  const v = inputs[0]?.value ?? "";
  if (v === "") return undefined;
  return f.type === "integer" || f.type === "decimal" ? Number(v) : v;
}

function write(f, box, value) {
  const inputs = box.querySelectorAll(":scope > .control input, :scope > .control select, :scope > .control textarea");
  for (const i of inputs) {
    if (i.type === "radio") i.checked = value !== undefined && value !== null && String(value) === i.value;
    else if (i.type === "checkbox") i.checked = Array.isArray(value) && value.includes(i.value);
    else i.value = value === undefined || value === null ? "" : String(value);
  }
}

/** The form on the page. `options`: registry, onChange(), locate() → Promise<{lon, lat}>, house {lon, lat}. */
export class FormView {
  constructor(root, form, answers, options) {
    Object.assign(this, { root, form, answers, ...options });
    this.boxes = new Map(); // path -> {f, box}
    this.touched = new Set();
    this.specs = new Map(form.registry_fields.map((r) => [r.name, r]));
    this.photoSlot = null;
    this.fields = el("fieldset", { className: "form-fields" });
    root.replaceChildren(this.fields);
    for (const s of form.sections) {
      const card = el("section", { className: "form-section", dataset: { section: s.name || "" } }, el("h2", { text: s.label }));
      for (const f of s.fields) card.append(this.fieldBox(f, f.name));
      this.fields.append(card);
    }
    this.fields.addEventListener("change", (e) => this.changed(e));
    this.fields.addEventListener("input", (e) => e.target.matches("input[type=text], input[type=number], textarea") && this.changed(e));
  }

  fieldBox(f, path, item = null) {
    const box = el("div", { className: `field t-${f.type}`, dataset: { name: path } },
      el("div", { className: "label", text: f.label }));
    if (f.shows) {
      box.append(el("p", { className: "registry" }, ...f.shows.map((k) => el("span", { className: "shown", dataset: { field: k } },
        el("span", { className: "k", text: `平台：${this.specs.get(k)?.label || k}` }),
        el("span", { className: "v", text: registryText(this.specs.get(k), this.registry[k]) })))));
    }
    if (f.type === "photos") this.photoSlot = box;
    else if (f.type === "repeat") box.append(this.repeatBox(f));
    else if (f.type === "point") box.append(this.pointBox(path, item));
    else box.append(el("div", { className: "control" }, control(f, path)));
    box.append(el("p", { className: "problem", role: "alert", hidden: true }));
    this.boxes.set(path, { f, box });
    return box;
  }

  repeatBox(f) {
    const list = el("div", { className: "items" });
    const add = el("button", { type: "button", className: "add-item", text: `＋ 添加${f.label}` });
    add.addEventListener("click", () => {
      this.answers[f.name] = [...(Array.isArray(this.answers[f.name]) ? this.answers[f.name] : []), {}];
      this.drawItems(f);
      this.onChange();
    });
    this.repeats = { ...(this.repeats || {}), [f.name]: list };
    return el("div", { className: "repeat" }, list, add);
  }

  drawItems(f) {
    const list = this.repeats[f.name];
    for (const path of [...this.boxes.keys()]) if (path.startsWith(`${f.name}[`)) this.boxes.delete(path);
    const items = Array.isArray(this.answers[f.name]) ? this.answers[f.name] : [];
    list.replaceChildren(...items.map((item, i) => {
      const drop = el("button", { type: "button", className: "drop-item", text: "删除" });
      drop.addEventListener("click", () => {
        this.answers[f.name].splice(i, 1);
        this.drawItems(f);
        this.onChange();
      });
      const node = el("fieldset", { className: "item", dataset: { index: i } },
        el("legend", {}, `${f.label} ${i + 1}`, drop), ...f.fields.map((g) => this.fieldBox(g, `${f.name}[${i}].${g.name}`, item)));
      for (const g of f.fields) if (g.type !== "point") write(g, this.boxes.get(`${f.name}[${i}].${g.name}`).box, item[g.name]);
      return node;
    }));
  }

  pointBox(path, item) {
    const shown = el("span", { className: "point-text" });
    const here = el("button", { type: "button", className: "use-here", text: "使用手机当前位置" });
    const pick = el("button", { type: "button", className: "pick-map", text: "在地图上点选" });
    const mapDiv = el("div", { className: "point-map", hidden: true });
    const show = () => {
      const p = item.point;
      shown.textContent = isDict(p) ? `经度 ${p.lon.toFixed(6)}，纬度 ${p.lat.toFixed(6)}` : "尚未选点";
    };
    const set = (lon, lat) => {
      item.point = { lon: Number(lon.toFixed(6)), lat: Number(lat.toFixed(6)) };
      show();
      this.touched.add(path);
      this.onChange();
    };
    here.addEventListener("click", async () => {
      here.disabled = true;
      try {
        const p = await this.locate();
        set(p.lon, p.lat);
      } catch (err) {
        shown.textContent = err.message;
      } finally {
        here.disabled = false;
      }
    });
    pick.addEventListener("click", () => {
      mapDiv.hidden = !mapDiv.hidden;
      if (mapDiv.hidden || mapDiv.dataset.ready) return;
      mapDiv.dataset.ready = "1";
      const map = L.map(mapDiv, { zoomSnap: 0.5, fadeAnimation: false }).setView([this.house.lat, this.house.lon], 17);
      if (this.basemap) L.tileLayer(this.basemap.url, { attribution: this.basemap.attribution || "", maxZoom: 19 }).addTo(map);
      L.circleMarker([this.house.lat, this.house.lon], { radius: 7, color: "#8b1a1a" }).bindTooltip("抽中房屋").addTo(map);
      const mark = L.circleMarker([0, 0], { radius: 7, color: "#1f5fa8" });
      if (isDict(item.point)) mark.setLatLng([item.point.lat, item.point.lon]).addTo(map);
      map.on("click", (e) => {
        mark.setLatLng(e.latlng).addTo(map);
        set(e.latlng.lng, e.latlng.lat);
      });
    });
    show();
    return el("div", { className: "control point" }, shown, el("div", { className: "point-actions" }, here, pick), mapDiv);
  }

  changed(e) {
    const box = e.target.closest(".field");
    const entry = box && this.boxes.get(box.dataset.name);
    if (!entry || ["point", "photos", "repeat"].includes(entry.f.type)) return; // set by their own buttons
    const m = /^([a-z0-9_]+)\[(\d+)\]\.([a-z0-9_]+)$/.exec(box.dataset.name);
    const target = m ? this.answers[m[1]][Number(m[2])] : this.answers;
    const key = m ? m[3] : entry.f.name;
    const value = read(entry.f, box);
    if (value === undefined) delete target[key];
    else target[key] = value;
    this.touched.add(box.dataset.name);
    this.onChange();
  }

  /** Put `answers` into the controls (on open, or when the server's version is taken). */
  fill(answers) {
    this.answers = answers;
    for (const [path, { f, box }] of this.boxes) {
      if (!path.includes("[") && !["repeat", "photos"].includes(f.type)) write(f, box, answers[f.name]);
    }
    for (const s of this.form.sections) for (const f of s.fields) if (f.type === "repeat") this.drawItems(f);
  }

  /** Hide what is not asked, narrow filtered choices, and show `problems` (required ones only if `all`). */
  refresh(problems, all = false) {
    for (const [path, { f, box }] of this.boxes) {
      box.hidden = !isRelevant(this.form, path, this.answers, this.registry);
      if (f.choice_filter) {
        const m = /^([a-z0-9_]+)\[(\d+)\]\./.exec(path);
        const chosen = (m ? this.answers[m[1]]?.[Number(m[2])] : this.answers)?.[f.choice_filter];
        for (const o of box.querySelectorAll("option")) {
          const c = f.choices.find((x) => x.code === o.value);
          o.hidden = !!c && chosen !== undefined && c.filter !== chosen;
        }
      }
      const mine = problems.filter((p) => p.field === path && (all || p.code !== "required" || this.touched.has(path)));
      const note = box.querySelector(":scope > .problem");
      note.textContent = mine.map((p) => p.message).join("；");
      note.hidden = !mine.length || box.hidden;
      box.classList.toggle("has-problem", !note.hidden);
    }
  }

  setReadOnly(on) {
    this.fields.disabled = on;
  }
}
