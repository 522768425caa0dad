// Renders what the server says; no business logic here.
async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

getJson("/healthz").then((h) => {
  const el = document.getElementById("health");
  el.className = h.schema_current ? "ok" : "bad";
  el.textContent = `正常 · PostGIS ${h.postgis} · 数据库版本 ${h.schema_revision} · 行政区划 ${h.divisions} 条`;
}).catch(() => {
  const el = document.getElementById("health");
  el.className = "bad";
  el.textContent = "数据库不可用，请检查服务日志。";
});

getJson("/api/v1/datasets").then((rows) => {
  const body = document.querySelector("#datasets tbody");
  for (const d of rows) {
    const tr = document.createElement("tr");
    for (const value of [d.name + (d.synthetic ? "（合成数据）" : ""), d.version, d.licence, d.crs, d.vintage]) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
});
