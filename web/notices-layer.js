// Overdue rectification notices on the leaders' map (/map): issued, not closed, past their deadline (the
// service decides, by the date in Asia/Shanghai: /api/v1/followup/notices.geojson?overdue=true). Shown only
// to roles that may read notices (followup.read); a toggle in the map's corner, a popup per house. Text from
// the service goes into popups through esc().
import { esc, getJson } from "/web/api.js";

/** Add the overdue notices' layer and its toggle to `map` (nothing for a role that cannot read notices). */
export async function addNoticesToMap(map) {
  try {
    const who = await getJson("/api/v1/me");
    if (!who.permissions.includes("followup.read")) return null;
    const data = await getJson("/api/v1/followup/notices.geojson?overdue=true");
    if (!map.getPane("notices")) map.createPane("notices").style.zIndex = 460;
    const layer = L.geoJSON(data, {
      pointToLayer: (f, latlng) => L.circleMarker(latlng, {
        pane: "notices", radius: 8, weight: 3, color: "#b42318", fillColor: "#ffffff", fillOpacity: 0.9,
        className: "overdue-notice-marker",
      }),
      onEachFeature: (f, l) => l.bindPopup(popup(f.properties), { maxWidth: 300 }),
    }).addTo(map);
    const toggle = L.control({ position: "topright" });
    toggle.onAdd = () => {
      const box = L.DomUtil.create("label", "legend notices-toggle");
      const input = L.DomUtil.create("input", "", box);
      input.type = "checkbox";
      input.checked = true;
      box.append(` 逾期整改通知（${data.features.length}）`);
      L.DomEvent.disableClickPropagation(box);
      input.addEventListener("change", () => (input.checked ? layer.addTo(map) : layer.remove()));
      return box;
    };
    toggle.addTo(map);
    return layer;
  } catch (_) {
    return null; // the map works without this layer
  }
}

function popup(p) {
  return `<strong>${esc(p.number)}</strong><br>${esc(p.survey_code)} · ${esc(p.unit_name)}<br>`
    + `状态：${esc(p.status_label)}；整改期限 ${esc(p.deadline)}（已逾期）<br><a href="/notices">查看整改通知</a>`;
}
