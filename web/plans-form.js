// The plan form of the planners' page: the cities' unit counts, per-unit overrides, groups and their firms,
// turned into a plan body for POST /api/v1/plans (service/draws/plans.py: PlanSpec). The service validates;
// this file only collects what was typed (an empty field is "not given").
import { el } from "/web/dom.js";

let cities = []; // [{code, name, units}] from the sampling units

/** Fill the city table and the unit-code list from the sampling units (GeoJSON features). */
export function setUnits(features) {
  const byCity = new Map();
  const list = document.getElementById("unit-codes");
  list.replaceChildren();
  for (const { properties: u } of features) {
    if (!byCity.has(u.city_code)) byCity.set(u.city_code, { code: u.city_code, name: u.city_name, units: 0 });
    byCity.get(u.city_code).units += 1;
    list.append(el("option", { value: u.code, text: `${u.city_name} · ${u.name}` }));
  }
  cities = [...byCity.values()].sort((a, b) => a.code.localeCompare(b.code));
  const box = document.getElementById("city-counts");
  box.replaceChildren(...cities.map((c) => el("label", { className: "city-count" },
    el("span", { text: `${c.name}（${c.units} 个单元）` }),
    el("input", { type: "number", min: 1, max: 30, dataset: { city: c.code },
                  placeholder: "默认", value: c.code === "620100" ? 5 : "" }))));
}

function removable(row) {
  row.append(el("td", {}, el("button", { type: "button", className: "small", text: "删除", onclick: () => row.remove() })));
  return row;
}

function overrideRow() {
  const unit = el("input", { type: "text", className: "o-unit", maxLength: 12, placeholder: "县区代码" });
  unit.setAttribute("list", "unit-codes"); // a read-only property: the attribute names the datalist
  return removable(el("tr", {},
    el("td", {}, unit),
    el("td", {}, el("input", { type: "number", className: "o-houses", min: 1, max: 500 })),
    el("td", {}, el("input", { type: "number", className: "o-commercial", min: 0, max: 500 }))));
}

function groupRow() {
  return removable(el("tr", {},
    el("td", {}, el("input", { type: "text", className: "g-name", maxLength: 100, placeholder: "第一组" })),
    el("td", {}, el("input", { type: "text", className: "g-firm", maxLength: 200, placeholder: "机构名称" })),
    el("td", {}, el("input", { type: "text", className: "g-units", placeholder: "620102, 620111" }))));
}

/** Wire the add-row buttons and put the year and one empty group in. */
export function initForm() {
  document.getElementById("add-override").addEventListener("click", () => {
    document.getElementById("override-rows").append(overrideRow());
  });
  document.getElementById("add-group").addEventListener("click", () => {
    document.getElementById("group-rows").append(groupRow());
  });
  document.getElementById("p-year").value = new Date().getFullYear();
}

const value = (id) => document.getElementById(id).value.trim();
// A number field: its number, or undefined when empty (the service's default applies); text stays text so
// that the service's own message names it.
function number(raw) {
  if (raw === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : raw;
}

/** The plan body the form describes. */
export function planBody() {
  const body = {
    name: value("p-name"),
    year: number(value("p-year")),
    deadline: value("p-deadline") || null,
    default_units_per_city: number(value("p-default-units")),
    houses_per_unit: number(value("p-houses")),
    commercial_min: number(value("p-commercial")),
    units_per_city: {},
    unit_overrides: {},
    groups: [],
  };
  for (const input of document.querySelectorAll("#city-counts input")) {
    if (input.value.trim() !== "") body.units_per_city[input.dataset.city] = number(input.value.trim());
  }
  for (const row of document.querySelectorAll("#override-rows tr")) {
    const unit = row.querySelector(".o-unit").value.trim();
    if (!unit) continue;
    const o = {};
    const houses = number(row.querySelector(".o-houses").value.trim());
    const commercial = number(row.querySelector(".o-commercial").value.trim());
    if (houses !== undefined) o.houses = houses;
    if (commercial !== undefined) o.commercial_min = commercial;
    body.unit_overrides[unit] = o;
  }
  for (const row of document.querySelectorAll("#group-rows tr")) {
    const name = row.querySelector(".g-name").value.trim();
    const firm = row.querySelector(".g-firm").value.trim();
    const units = row.querySelector(".g-units").value.split(/[\s,，、;；]+/).filter(Boolean);
    if (name || firm || units.length) body.groups.push({ name, firm, units });
  }
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
  return body;
}
