// Service health and the provenance of every data set, as the server reports them.
import { getJson, me, num } from "/web/api.js";
import { el, showUser } from "/web/dom.js";

async function showHealth() {
  const line = document.getElementById("health");
  try {
    const h = await getJson("/healthz");
    line.className = h.schema_current ? "ok" : "bad";
    line.textContent = h.schema_current
      ? `正常 · PostGIS ${h.postgis} · 数据库版本 ${h.schema_revision} · 行政区划 ${num(h.divisions)} 条`
      : `数据库结构不是最新版本（${h.schema_revision}），请管理员执行数据库升级。`;
  } catch (_) {
    line.className = "bad";
    line.textContent = "数据库不可用，请检查服务日志。";
  }
}

async function showDatasets() {
  const rows = await getJson("/api/v1/datasets");
  document.querySelector("#datasets tbody").replaceChildren(
    ...rows.map((d) =>
      el("tr", {}, ...[d.name + (d.synthetic ? "（合成数据）" : ""), d.version, d.licence, d.crs, d.vintage]
        .map((value) => el("td", { text: value ?? "—" }))),
    ),
  );
}

async function start() {
  showUser(await me());
  await Promise.all([showHealth(), showDatasets()]);
  document.body.dataset.state = "ready";
}

start().catch((err) => {
  const line = document.getElementById("health");
  line.className = "bad";
  line.textContent = `加载失败：${err.message}`;
  document.body.dataset.state = "error";
});
